"""The most people inside S that disjoint feasible groups can hold, for the file written by the
`placement_proof` example (see its documentation for the argument): weighted set packing,
solved exactly with HiGHS (pip install highspy). Exits 0 when it equals what the engine places.

python3 scripts/most_placed.py placement.txt
"""
import sys
from collections import defaultdict

import highspy
import numpy as np

with open(sys.argv[1] if len(sys.argv) > 1 else "placement.txt") as f:
    people, inside, placed = map(int, f.readline().split())
    rows = [list(map(int, line.split())) for line in f]

if not rows:
    print(f"S: {people} people, no feasible group with someone inside: nobody more can be placed")
    sys.exit(0)

h = highspy.Highs()
h.setOptionValue("output_flag", False)
h.setOptionValue("mip_rel_gap", 0.0)
count = len(rows)
cols = np.arange(count, dtype=np.int32)
for _ in rows:
    h.addVar(0, 1)
h.changeColsIntegrality(count, cols, np.array([highspy.HighsVarType.kInteger] * count))
h.changeColsCost(count, cols, np.array([-row[0] for row in rows], dtype=float))
member_of = defaultdict(list)
for k, row in enumerate(rows):
    for p in row[1:]:
        member_of[p].append(k)
for ks in member_of.values():
    h.addRow(-highspy.kHighsInf, 1, len(ks), np.array(ks, dtype=np.int32), np.ones(len(ks)))
h.run()
status = h.modelStatusToString(h.getModelStatus())
most = round(-h.getInfo().objective_function_value)
print(f"S: {people} people, {inside} inside, {count} feasible groups with someone inside; "
      f"the engine places {placed} of those inside, any grouping at most {most} ({status})")
sys.exit(0 if status == "Optimal" and most == placed else 1)
