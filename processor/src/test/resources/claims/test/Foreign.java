package test;

import javax.annotation.processing.Generated;

/** Written by another code generator, compiled with the @AgentService interfaces. */
@Generated("another.Generator")
class Foreign {}
