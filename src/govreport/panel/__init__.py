"""From reports to a panel: agency identity (``agency``), one row per agency and year with the
cross-year identity (``build``), and the panel's files (``write``)."""

from govreport.panel.agency import AgencyMapping, AgencyName, Ambiguity, agency_key, resolve_agencies
from govreport.panel.build import Panel, PanelFinding, build_panel
from govreport.panel.write import write_panel

__all__ = [
    "AgencyMapping",
    "AgencyName",
    "Ambiguity",
    "Panel",
    "PanelFinding",
    "agency_key",
    "build_panel",
    "resolve_agencies",
    "write_panel",
]
