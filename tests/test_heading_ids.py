"""Heading ids at every level, as the live site publishes them (heading_ids, labels)."""

from __future__ import annotations

from conftest import HOME_PAGE, NOTICE_FRONT_MATTER

# The site's parser gives the live site's ids (heading_ids); labels keeps a
# label's id as written; the navigation lists the pages.
EXTENSIONS = ["policy_sphinx_extensions.reading.labels", "policy_sphinx_extensions.navigation"]

NOTICE = NOTICE_FRONT_MATTER + """
# Example Notice

## 1. Accounts

### Your account

#### 1. Account controls

### Terms & Conditions

(1-old-scope)=
(scope_1)=
### Scope of the notice

### Naïve café
"""


def test_ids_at_every_level_and_kept_ids_as_written(project):
    build = project({"index.md": HOME_PAGE, "example/Notice.md": NOTICE}, extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    page = build.page("example/Notice")
    # Python-Markdown's ids: fourth level too, "&" and accents as the live site has them.
    for ident in ("1-account-controls", "terms-conditions", "naive-cafe"):
        assert f'id="{ident}"' in page, ident
    # A kept id keeps its leading digit and its underscore (docutils would drop both).
    for ident in ("1-old-scope", "scope_1", "scope-of-the-notice"):
        assert f'id="{ident}"' in page, ident


def test_without_the_target_the_old_id_is_gone(project):
    build = project({"index.md": HOME_PAGE,
                     "example/Notice.md": NOTICE.replace("(1-old-scope)=\n", "")},
                    extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    assert 'id="1-old-scope"' not in build.page("example/Notice")
