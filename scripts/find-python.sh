#!/bin/sh
# Print the first Python 3.12+ that actually runs: $PYTHON, then python3.13,
# python3.12, python3, then pyenv's installed 3.12/3.13 (a pyenv shim that
# is not activated fails to run, so each candidate is tried, not just found).
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
if [ -n "$PYTHON" ]; then
  if ok "$PYTHON"; then echo "$PYTHON"; exit 0; fi
  echo "PYTHON=$PYTHON does not run or is older than 3.12" >&2; exit 1
fi
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
for candidate in python3.13 python3.12 python3 "$root"/versions/3.13*/bin/python3 "$root"/versions/3.12*/bin/python3; do
  if ok "$candidate"; then command -v "$candidate" 2>/dev/null || echo "$candidate"; exit 0; fi
done
echo "No Python 3.12 or newer found: install one, or set PYTHON=/path/to/python3.12" >&2
exit 1
