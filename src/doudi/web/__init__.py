"""Pages in zh-hans for caseworkers and supervisors."""
