"""What the tests share, imported by name; conftest.py files hold only fixtures built on it.

- factories: factory_boy factories for every model, and image bytes to upload
- personas: the staff and readers tests act as (reader, reporter, editor, desk members)
- mail: the SMTP sink every mail test reads from
- broker: our own redis-server and real `celery worker` processes
- servers: free ports, gunicorn on the test database, a throwaway PostgreSQL cluster
- front: Varnish and nginx in front of gunicorn (tests/edge); shared_cache: the same rule
  in-process
- browser: Playwright on Debian's chromium
- admin, public_html, seed_article, images, comments, outbox: what the admin's article form
  posts, a small HTML reader, the seed article, test images, a reader's comment, outbox rows
"""
