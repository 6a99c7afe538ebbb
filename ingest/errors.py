"""Errors that reject a whole extract. Messages are for the agency focal point: they name the file and
say what to fix, and never quote cell values (a cell may hold personal data)."""


class ExtractRejected(Exception):
    """The file cannot be loaded at all; nothing from it enters the warehouse."""

    def __init__(self, file_name: str, problem: str, fix: str = "") -> None:
        self.file_name = file_name
        self.problem = problem
        self.fix = fix
        super().__init__(f"{file_name}: {problem}" + (f" {fix}" if fix else ""))
