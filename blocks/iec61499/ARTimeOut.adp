<?xml version="1.0" encoding="UTF-8"?>
<AdapterType Name="ARTimeOut" Comment="Timeout service: the plug starts and stops it, the socket reports TimeOut">
	<Identification Standard="61499-1" Description="vPLC built-in adapter type"/>
	<InterfaceList>
		<EventInputs>
			<Event Name="TimeOut" Type="Event"/>
		</EventInputs>
		<EventOutputs>
			<Event Name="START" Type="Event">
				<With Var="DT"/>
			</Event>
			<Event Name="STOP" Type="Event"/>
		</EventOutputs>
		<InputVars/>
		<OutputVars>
			<VarDeclaration Name="DT" Type="TIME"/>
		</OutputVars>
	</InterfaceList>
</AdapterType>
