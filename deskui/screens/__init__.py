"""One screen per job; screens compose widgets and call the repository in workers."""
