"""The objects of the field: activations with their derivatives, layer-indexed symbols,
network builders.
"""
