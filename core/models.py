from django.db import models


class PurgeBacklog(models.Model):
    """A purge a front did not take (down, unreachable): replayed by the beat until it does
    (`core.pagecache.purges_replay`)."""

    front = models.CharField(max_length=200)
    keys = models.TextField(help_text="Surrogate keys, space-separated.")
    soft = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "newsroom_purgebacklog"  # its name from before the apps were re-cut

    def __str__(self) -> str:
        return f"purge at {self.front}: {self.keys}"
