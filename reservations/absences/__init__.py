"""Justified absences: after the notice deadline of a booked day, a parent declares an absence
(reason, certificate); staff accept it (the day is not billed, or credited) or refuse it."""
