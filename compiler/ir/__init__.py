"""The IR room: the whole decided stack (model.py) and how a spec becomes it (lower.py)."""

from compiler.ir.model import StackIR, StageIR, ir_as_dict

__all__ = ["StackIR", "StageIR", "ir_as_dict"]
