"""Lead scoring: data generator, loader and command-line helpers around the dbt project."""
