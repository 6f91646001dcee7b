"""Typed views of CloudFormation and SAM templates: the evaluator, resources, SAM translation."""
