"""How a step relates to the previous expression: the SymPy relation and how LaTeX writes it.

Below both the proof (which checks the relation) and the printer (which writes it)."""

RELATIONS = {"=": ("==", "="), ">=": (">=", r"\geq"), "<=": ("<=", r"\leq")}
