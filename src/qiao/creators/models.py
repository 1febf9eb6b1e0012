"""Creator analytics has no tables of its own: it reads the engagement log, notes, users,
follows and note versions. (Its migrations add the covering index the log needs.)"""
