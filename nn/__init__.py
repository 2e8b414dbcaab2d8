"""tinyautograd's network library: modules, layers, losses, initialisers, optimisers, data."""
