"""The editorial app's writes, one module per sub-domain: `workflow` (submit, send back,
publish, schedule, go live, unpublish, breaking), `saving` (the admin form's save),
`locks`, `revisions` and `share_links`. Callers import from the module they need."""
