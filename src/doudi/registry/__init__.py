"""The Django layer every face shares: models, access layer, actions (the one write path), users and roles."""
