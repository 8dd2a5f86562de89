"""The Django side of the action plan's campaign: campaigns, cases, transitions, committee meetings.

The state machine lives in the pure package doudi.campaign; this app stores cases and runs its actions.
"""
