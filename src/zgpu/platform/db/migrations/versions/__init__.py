"""Migration revisions, one file each, named ``NNNN_description.py`` so they sort in order."""
