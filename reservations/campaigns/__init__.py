"""Registration campaigns (campagnes d'inscription): requests during a window, then a fair draw.

- models: the campaign, its ordered priority rules, the parents' requests and their results;
- priorities: the registry of priority rule types, each reading one field of the household;
- allocation: the pure allocation (requests, capacities, rules, seed → places, waiting lists,
  the explanation for each child);
- services: asking and withdrawing, running the allocation once, emailing the households;
- selectors: what the planning and the admin read;
- admin: the campaign and its ordered rules, the allocation button, the results explained
  (imported by `reservations.admin`); the models are imported by `reservations.models`.
"""
