"""The yearly report to the council: figures from the journal as Markdown, HTML with charts, or CSV."""
