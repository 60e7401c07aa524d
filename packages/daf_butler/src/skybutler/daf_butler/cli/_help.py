"""Short help of the ``butler`` subcommands daf_butler ships.

``butler --help`` reads this mapping (through the ``skybutler.butler.cli_help``
entry point) instead of importing every command. The commands use the same
text as their ``short_help``, so the two cannot drift apart. This module must
import nothing.
"""

__all__ = ["SHORT_HELP"]

SHORT_HELP: dict[str, str] = {
    "collection-chain": "Define or edit a CHAINED collection.",
    "create": "Create a new, empty repository.",
    "query-collections": "List the collections of a repository.",
    "query-dataset-types": "List the dataset types of a repository.",
    "register-dataset-type": "Register a dataset type.",
    "remove-collections": "Remove TAGGED, CHAINED and CALIBRATION collections.",
    "remove-dataset-type": "Remove dataset types that have no datasets.",
}
