"""One module per kind of AWS resource reap removes. Each declares how to find its resources, what
it must be deleted before or after, and how to delete one; `gnnstack.reap` walks this package,
so adding a kind is adding a module here."""
