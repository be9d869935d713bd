"""The most people any grouping places in the set written by the `sparse_components` example:
maximum set packing of its feasible groups, solved exactly with HiGHS (pip install highspy).

python3 scripts/most_placed.py sparse_groups.txt
"""
import sys
from collections import defaultdict

import highspy
import numpy as np

with open(sys.argv[1] if len(sys.argv) > 1 else "sparse_groups.txt") as f:
    people, placed = map(int, f.readline().split())
    groups = [list(map(int, line.split())) for line in f]

if not groups:
    print(f"{people} people, no feasible group: nobody left out could be placed")
    sys.exit(0)

h = highspy.Highs()
h.setOptionValue("output_flag", False)
h.setOptionValue("mip_rel_gap", 0.0)
count = len(groups)
cols = np.arange(count, dtype=np.int32)
for _ in groups:
    h.addVar(0, 1)
h.changeColsIntegrality(count, cols, np.array([highspy.HighsVarType.kInteger] * count))
h.changeColsCost(count, cols, np.array([-len(g) for g in groups], dtype=float))
member_of = defaultdict(list)
for k, group in enumerate(groups):
    for p in group:
        member_of[p].append(k)
for ks in member_of.values():
    h.addRow(-highspy.kHighsInf, 1, len(ks), np.array(ks, dtype=np.int32), np.ones(len(ks)))
h.run()
status = h.modelStatusToString(h.getModelStatus())
most = round(-h.getInfo().objective_function_value)
print(f"{people} people, {count} feasible groups: the engine places {placed}, "
      f"the most any grouping places is {most} ({status})")
sys.exit(0 if status == "Optimal" and most == placed else 1)
