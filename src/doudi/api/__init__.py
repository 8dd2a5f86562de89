"""The REST API: plain Django views returning JSON over the same access layer and actions as the web pages.

The OpenAPI 3 document is served at /api/openapi.json (doudi.api.openapi)."""
