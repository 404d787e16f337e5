"""The timeline: every dated thing on one clock, and what can be read from it.

- `events`: `build_events` (posts, capture times, claimed time, windows, analyst events, each with its
  uncertainty) and `post_points` (arrays for plotting 100,000 posts);
- `checks`: `run_checks` -> consistency `Check`s with severity and references to the evidence;
- `signals`: `coordination_signals` (template texts, bursts, cadence, interaction graph): indicators, not proof;
- `provenance`: `near_pairs`/`nearest` over perceptual hashes, `image_groups` (copies across posts, first seen);
- `edits`: `AddTimelineEvent`, an undoable command.
"""
