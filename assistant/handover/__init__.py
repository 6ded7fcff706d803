"""Hand-over to a person: the staff inbox (``inbox``), what staff and clients read (``views``,
``client``), who is there (``availability``) and pushes to channels without a live page (``delivery``)."""
