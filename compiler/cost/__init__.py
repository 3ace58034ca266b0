"""Cost: the price table times the IR times the traffic profile.

`estimate.estimate_cost` prices exactly what `tsc compile` emits, per stage and shared;
`choice.choose_endpoint` settles `scale: auto`; `crossover` solves where the two scales
cost the same; `options` finds cheaper configurations; `report` renders text and JSON.
No AWS library is imported here, and matplotlib only by `plot`.
"""
