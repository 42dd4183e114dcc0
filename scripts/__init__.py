"""ugig database tooling: the `ugig-db` console command and its parts."""
