"""Pages, one module per page. Views parse, authorise (through the access layers) and render; every write goes
through doudi.casework.actions or doudi.registry's own functions."""

from .case import case_detail, case_take, reveal_id
from .committee import committee
from .dashboard import dashboard
from .home import healthz, home
from .imports import error_workbook, import_job, imports
from .outcomes import outcomes_xlsx
from .search import search
from .worklist import worklist, worklist_xlsx

__all__ = [
    "case_detail",
    "case_take",
    "committee",
    "dashboard",
    "error_workbook",
    "healthz",
    "home",
    "import_job",
    "imports",
    "outcomes_xlsx",
    "reveal_id",
    "search",
    "worklist",
    "worklist_xlsx",
]
