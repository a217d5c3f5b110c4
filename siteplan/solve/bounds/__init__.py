"""Lower bounds of set cover and the upper bound of max cover: the
Lagrangian subgradient, heuristic and core columns (:mod:`.lagrange`), the
smoothed dual ascent for city-scale full covers (:mod:`.dualascent`), max
cover's Lagrangian bound (:mod:`.maxbound`)."""
