"""Design-space exploration (``cramsim explore``): which device and circuit make CRAM pay.

A sweep config (:mod:`.config`) names a base device, axes over device keys and circuit /
system keys, the workloads, the gate target error and a retention constraint. Per design
(:mod:`.chain`) the whole chain runs from physics: derived device quantities and Neel-Brown
retention (:mod:`llg.device`, :mod:`llg.retention`), gate operating points from the
Fokker-Planck switching source (:mod:`circuits`), or from a compact Monte Carlo table where
FP does not apply (:mod:`.mc`), preset writes (:mod:`.writes`), and the workload ledgers
against the baselines (:mod:`arrays.energy.evaluate`); switching data are kept in a
content-hash disk cache across sweeps (:mod:`.fpcache`, :mod:`llg.tables.cache`). :mod:`.run` drives the
designs through the table build's pool (checkpoint + resume), :mod:`.store` writes one
self-describing HDF5 dataset (dims = the swept axes), :mod:`.frontier` answers "where does it
start to work", :mod:`.plots` draws heat maps. SI units throughout.
"""
