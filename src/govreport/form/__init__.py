"""The form: catalog of both versions and version detection."""
