"""Finding good covers: greedy and pruning (:mod:`.greedy`), iterated greedy
and the portfolio (:mod:`.local`), row weighting (:mod:`.rowweight`),
region-by-region moves at city scale (:mod:`.blocklocal`), max cover's
swaps (:mod:`.swap`)."""
