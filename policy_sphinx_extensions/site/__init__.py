"""The site's pages and head: the theme's settings, the feed, the sitemap, each
page's head and weight, the 404 page and the files the pages link."""
