"""For search engines and feed readers: robots.txt, the sitemap, Atom feeds."""
