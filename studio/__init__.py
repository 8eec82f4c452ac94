"""The project's command line: lecture files in, videos and previews out."""
