import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# env.str("NAME", ...), env.int(\n "NAME", ...), _required_in_production("NAME", ...)
READ_FROM_ENV = re.compile(r'(?:env\.\w+|_required_in_production)\(\s*"([A-Z][A-Z0-9_]*)"')


def test_the_readme_lists_every_environment_variable_of_the_settings():
    settings = (ROOT / "tracking" / "settings.py").read_text()
    readme = (ROOT / "README.md").read_text()
    table_rows = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", readme, flags=re.MULTILINE))

    variables = set(READ_FROM_ENV.findall(settings))

    assert variables, "no variables found: the pattern no longer matches settings.py"
    assert sorted(variables - table_rows) == []
