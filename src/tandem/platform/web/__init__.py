"""Server-rendered web plumbing: templates, navigation, forms, error pages, static files."""
