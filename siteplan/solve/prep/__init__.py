"""Shrinking a covering instance before it is solved: rows merged or
dropped (:mod:`.reduce`), must-choose columns fixed, met groups dropped and
dominated columns removed before HiGHS (:mod:`.fixing`)."""
