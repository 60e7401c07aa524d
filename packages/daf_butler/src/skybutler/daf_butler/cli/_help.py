"""Short help of the ``butler`` subcommands daf_butler ships.

``butler --help`` reads this mapping (through the ``skybutler.butler.cli_help``
entry point) instead of importing every command. The commands use the same
text as their ``short_help``, so the two cannot drift apart. This module must
import nothing.
"""

__all__ = ["SHORT_HELP"]

SHORT_HELP: dict[str, str] = {
    "associate": "Add datasets to a TAGGED collection.",
    "certify-calibrations": "Certify calibrations into a CALIBRATION collection.",
    "collection-chain": "Define or edit a CHAINED collection.",
    "config-dump": "Print the configuration of a repository.",
    "config-validate": "Check that a repository can store its dataset types.",
    "create": "Create a new, empty repository.",
    "export": "Export datasets, their files and what they need.",
    "export-calibs": "Export calibration collections with their datasets.",
    "import": "Import an export directory into a repository.",
    "ingest-files": "Ingest files listed in a table as datasets.",
    "ingest-zip": "Ingest a Zip of dataset files.",
    "prune-datasets": "Untag, unstore or purge datasets.",
    "query-collections": "List the collections of a repository.",
    "query-data-ids": "List the data IDs that match a query.",
    "query-dataset-types": "List the dataset types of a repository.",
    "query-datasets": "List the datasets that match a query.",
    "query-dimension-records": "List the dimension records that match a query.",
    "register-dataset-type": "Register a dataset type.",
    "remove-collections": "Remove TAGGED, CHAINED and CALIBRATION collections.",
    "remove-dataset-type": "Remove dataset types that have no datasets.",
    "remove-runs": "Remove RUN collections with their datasets and files.",
    "retrieve-artifacts": "Copy the files of datasets into a directory.",
    "transfer-datasets": "Copy datasets from one repository to another.",
}
