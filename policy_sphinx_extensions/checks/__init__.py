"""What a pull request may publish: its sources, the files a build reads, the
pages as written, their structure, and who writes each output path."""
