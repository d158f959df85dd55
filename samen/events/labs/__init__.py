"""Solution Labs (issue 14): a host opens a call within its community ("which questions do
you need creative solutions from fellow innovators for?") with a deadline; members submit
questions (title, context, what has been tried) and support the ones they want to work on;
after the deadline the host selects questions and attaches each to a Solution Lab event of
its own; after the lab the question's author records what came out of it.

The same rooms as every app (DESIGN "Layout"), in their own package so that the labs stay
readable beside registrations: ``access``, ``actions``, ``queries``, ``errors``, ``forms``,
``views``, ``api`` and ``urls`` here; the tables live in ``samen.events.models`` (``LabCall``,
``LabQuestion``, ``LabSupport``).
"""
