"""The browser explorer (``egov-sim explore``): a face over the model and the engine.

The explorer adds no model logic. It edits a scenario document (the parsed form of a
scenario file), validates it with the same loader as ``egov-sim validate``, builds
:class:`~sim.model.model.EGovModel` runs from it, runs batches through the experiment
engine and draws what the model already reports. Modules:

- :mod:`~sim.explore.draft`: the editable scenario document and its edits (pure).
- :mod:`~sim.explore.toml_export`: a draft written back as a scenario TOML file.
- :mod:`~sim.explore.session`: the model class SolaraViz rebuilds, scenario choices.
- :mod:`~sim.explore.figures`: live plots of one run (matplotlib) and PNG bytes.
- :mod:`~sim.explore.mapview`: municipalities on a map (altair, with tooltips).
- :mod:`~sim.explore.comparison`: two scenarios on one seed, and batches of replicates.
- :mod:`~sim.explore.editor`, :mod:`~sim.explore.tabs`, :mod:`~sim.explore.app`:
  the Solara components and the page.
- :mod:`~sim.explore.server`: starts the Solara server, offline and on loopback.

Only :mod:`~sim.explore.server` is imported by the command line, so ``egov-sim`` works
without the ``explore`` extra installed.
"""
