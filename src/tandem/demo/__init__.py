"""The sample organisation, Northwind Health, built through the services."""
