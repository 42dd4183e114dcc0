"""Where the project's SQL lives."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SUPABASE_DIR = PROJECT_ROOT / "supabase"
BOOTSTRAP_DIR = SUPABASE_DIR / "bootstrap"
MIGRATIONS_DIR = SUPABASE_DIR / "migrations"
FUNCTIONS_DIR = SUPABASE_DIR / "functions_sql"
POLICIES_DIR = SUPABASE_DIR / "policies"
SEED_DIR = PROJECT_ROOT / "seed"
