"""Inventory: capabilities, applications, assets, software, data stores, vendors, people and their relations."""
