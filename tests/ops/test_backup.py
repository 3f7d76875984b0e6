"""Backups are only real once restored: dump a newsroom, restore it elsewhere, compare."""

import subprocess
import uuid
from pathlib import Path

import psycopg
from django.db import connection

from articles.models import Article
from tests.support.factories import ArticleFactory, CorrectionFactory

ROOT = Path(__file__).resolve().parents[2]


def _url(dbname: str) -> str:
    params = connection.settings_dict
    return f"postgresql://{params['USER']}@{params['HOST']}:{params['PORT'] or 5432}/{dbname}"


def test_backup_then_restore_into_an_empty_database_keeps_every_row(transactional_db, tmp_path):
    articles = ArticleFactory.create_batch(3)
    CorrectionFactory(article=articles[0])
    source = connection.settings_dict["NAME"]
    target = f"restore_{uuid.uuid4().hex[:8]}"
    dump = tmp_path / "newsroom.dump"
    admin = psycopg.connect(_url("postgres"), autocommit=True)
    admin.execute(f'CREATE DATABASE "{target}"')
    try:
        subprocess.run(
            ["sh", ROOT / "scripts/backup.sh", _url(source), dump], check=True, capture_output=True
        )
        subprocess.run(
            ["sh", ROOT / "scripts/restore.sh", dump, _url(target)], check=True, capture_output=True
        )
        with psycopg.connect(_url(target)) as restored:
            headlines = {
                row[0] for row in restored.execute("SELECT headline FROM articles_article")
            }
            corrections = restored.execute("SELECT count(*) FROM articles_correction").fetchone()[0]
            migrations = restored.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
        assert headlines == set(Article.objects.values_list("headline", flat=True))
        assert corrections == 1
        assert migrations > 0
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        admin.close()
