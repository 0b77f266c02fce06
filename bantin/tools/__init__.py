"""The editor's tools beside `build`: serve (preview with live reload), new, check, and import."""
