"""Server-rendered pages, one module per domain. Each view parses the request, calls one
service or read model, renders."""
