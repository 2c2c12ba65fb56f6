<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="es">
<context>
    <name>ServiceLabels</name>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="100"/>
        <source>Mensaje de WhatsApp</source>
        <translation>WhatsApp message</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="97"/>
        <source>Reanudar envíos de WhatsApp</source>
        <translation>Resume WhatsApp sending</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="96"/>
        <source>Token de WhatsApp</source>
        <translation>WhatsApp token</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="95"/>
        <source>Abrir en WhatsApp</source>
        <translation>Open in WhatsApp</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="94"/>
        <source>Cancelar mensaje</source>
        <translation>Cancel message</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="93"/>
        <source>Reintentar mensaje</source>
        <translation>Retry message</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="92"/>
        <source>Resultados listos</source>
        <translation>Results ready</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="91"/>
        <source>Investigaciones en proceso</source>
        <translation>Tests in progress</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/results.py" line="43"/>
        <location filename="../../patolab_desktop/services/requests/types.py" line="17"/>
        <source>Pendiente</source>
        <translation>Pending</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/results.py" line="45"/>
        <source>Resultado listo</source>
        <translation>Result ready</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/results.py" line="51"/>
        <source>Sin resultados</source>
        <translation>No results</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/results.py" line="52"/>
        <source>Resultados parciales</source>
        <translation>Partial results</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/results.py" line="53"/>
        <source>Todos listos</source>
        <translation>All ready</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="18"/>
        <source>Muestra tomada</source>
        <translation>Sample collected</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/results.py" line="44"/>
        <location filename="../../patolab_desktop/services/requests/types.py" line="19"/>
        <source>En proceso</source>
        <translation>In progress</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="20"/>
        <source>Resultado parcial</source>
        <translation>Partial result</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="21"/>
        <source>Completada</source>
        <translation>Completed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/results.py" line="46"/>
        <location filename="../../patolab_desktop/services/requests/types.py" line="22"/>
        <location filename="../../patolab_desktop/services/requests/types.py" line="50"/>
        <source>Cancelada</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="25"/>
        <source>Rutina</source>
        <translation>Routine</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="26"/>
        <source>Urgente</source>
        <translation>Urgent</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="27"/>
        <source>STAT (inmediato)</source>
        <translation>STAT (immediate)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="30"/>
        <source>Ambulatorio</source>
        <translation>Outpatient</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="31"/>
        <source>Hospitalizado</source>
        <translation>Inpatient</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="32"/>
        <source>Emergencia</source>
        <translation>Emergency</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="33"/>
        <source>Externo</source>
        <translation>External</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="48"/>
        <source>Creada</source>
        <translation>Created</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="49"/>
        <location filename="../../patolab_desktop/services/requests/types.py" line="49"/>
        <source>Cambio de estado</source>
        <translation>Status change</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="51"/>
        <source>Investigación agregada</source>
        <translation>Test added</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="52"/>
        <source>Investigación quitada</source>
        <translation>Test removed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="53"/>
        <location filename="../../patolab_desktop/services/requests/types.py" line="53"/>
        <source>Descuento</source>
        <translation>Discount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="54"/>
        <source>Datos modificados</source>
        <translation>Details changed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="55"/>
        <source>Resultados</source>
        <translation>Results</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="56"/>
        <source>Facturada</source>
        <translation>Invoiced</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="57"/>
        <source>Nota de crédito</source>
        <translation>Credit note</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="58"/>
        <source>Factura anulada</source>
        <translation>Invoice voided</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="61"/>
        <source>Sin descuento</source>
        <translation>No discount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="62"/>
        <source>Por edad</source>
        <translation>Age-based</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/types.py" line="63"/>
        <source>Manual</source>
        <translation>Manual</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/types.py" line="14"/>
        <source>Paciente</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/types.py" line="15"/>
        <source>Empresa</source>
        <translation>Company</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/texts.py" line="41"/>
        <source>Cliente</source>
        <translation>Customer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="44"/>
        <source>Crear</source>
        <translation>Create</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="45"/>
        <source>Modificar</source>
        <translation>Modify</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="46"/>
        <source>Desactivar</source>
        <translation>Deactivate</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="47"/>
        <source>Reactivar</source>
        <translation>Reactivate</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="48"/>
        <source>Eliminar</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="54"/>
        <source>Cambio de precio</source>
        <translation>Price change</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="55"/>
        <source>Exportar</source>
        <translation>Export</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="56"/>
        <source>Importar</source>
        <translation>Import</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="57"/>
        <source>Imprimir</source>
        <translation>Print</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="58"/>
        <source>Inicio de sesión</source>
        <translation>Login</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="59"/>
        <source>Intento fallido de acceso</source>
        <translation>Failed login attempt</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="60"/>
        <source>Cuenta bloqueada</source>
        <translation>Account locked</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="61"/>
        <source>Cierre de sesión</source>
        <translation>Logout</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="62"/>
        <source>Cambio de contraseña</source>
        <translation>Password change</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="63"/>
        <source>Contraseña restablecida</source>
        <translation>Password reset</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="64"/>
        <source>Cuenta desbloqueada</source>
        <translation>Account unlocked</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="65"/>
        <source>Permiso concedido</source>
        <translation>Permission granted</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="66"/>
        <source>Permiso retirado</source>
        <translation>Permission withdrawn</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="68"/>
        <source>Registrar autorización CAI</source>
        <translation>Register CAI authorisation</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="69"/>
        <source>Corregir autorización CAI</source>
        <translation>Correct CAI authorisation</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="70"/>
        <source>Cerrar autorización CAI</source>
        <translation>Close CAI authorisation</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="71"/>
        <source>Emitir factura</source>
        <translation>Issue invoice</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="72"/>
        <source>Anular factura</source>
        <translation>Void invoice</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="73"/>
        <source>Emitir nota de crédito</source>
        <translation>Issue credit note</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="74"/>
        <source>Abrir caja</source>
        <translation>Open cash</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="75"/>
        <source>Cerrar caja</source>
        <translation>Close cash</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="76"/>
        <source>Confirmar cierre de caja</source>
        <translation>Confirm cash close</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="77"/>
        <source>Crédito de empresa</source>
        <translation>Company credit</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="78"/>
        <source>Abono</source>
        <translation>Payment on account</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="79"/>
        <source>Cambio de configuración</source>
        <translation>Settings change</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="80"/>
        <source>Copia de seguridad</source>
        <translation>Backup</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="81"/>
        <source>Restauración</source>
        <translation>Restore</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="96"/>
        <source>Documento fiscal</source>
        <translation>Fiscal document</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="97"/>
        <source>Autorización CAI</source>
        <translation>CAI authorisation</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="98"/>
        <source>Caja</source>
        <translation>Cash session</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="50"/>
        <source>Cancelar</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="51"/>
        <source>Agregar investigación</source>
        <translation>Add test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="52"/>
        <source>Quitar investigación</source>
        <translation>Remove test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="85"/>
        <source>Paciente/empresa</source>
        <translation>Patient/company</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="86"/>
        <source>Remitente</source>
        <translation>Referrer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="87"/>
        <source>Tipo de remitente</source>
        <translation>Referrer type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="88"/>
        <source>Investigación</source>
        <translation>Test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="89"/>
        <source>Sucursal</source>
        <translation>Branch</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="90"/>
        <source>Solicitud</source>
        <translation>Request</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="91"/>
        <source>Usuario</source>
        <translation>User</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="92"/>
        <source>Rol</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="93"/>
        <source>Configuración</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="94"/>
        <source>Base de datos</source>
        <translation>Database</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="95"/>
        <source>Reporte</source>
        <translation>Report</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="111"/>
        <source>nombre</source>
        <translation>name</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="112"/>
        <source>identidad/RTN</source>
        <translation>ID/RTN</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="113"/>
        <source>tipo de documento</source>
        <translation>document type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="114"/>
        <source>edad</source>
        <translation>age</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="115"/>
        <source>fecha de nacimiento</source>
        <translation>date of birth</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="116"/>
        <source>género</source>
        <translation>gender</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="117"/>
        <source>teléfono</source>
        <translation>phone</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="118"/>
        <source>teléfono secundario</source>
        <translation>secondary phone</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="119"/>
        <source>correo</source>
        <translation>e-mail</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="120"/>
        <source>departamento</source>
        <translation>department</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="121"/>
        <source>municipio</source>
        <translation>municipality</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="122"/>
        <source>tipo</source>
        <translation>type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="123"/>
        <source>dirección</source>
        <translation>address</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="124"/>
        <source>notas</source>
        <translation>notes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="125"/>
        <source>expediente</source>
        <translation>external file</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/types.py" line="25"/>
        <source>DNI</source>
        <translation>DNI</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/types.py" line="26"/>
        <source>RTN</source>
        <translation>RTN</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/types.py" line="27"/>
        <source>Pasaporte</source>
        <translation>Passport</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/types.py" line="28"/>
        <source>Carné de residente</source>
        <translation>Residence card</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/types.py" line="29"/>
        <source>Ninguno</source>
        <translation>None</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/types.py" line="35"/>
        <source>En persona en la recepción</source>
        <translation>In person at the front desk</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/types.py" line="36"/>
        <source>Por escrito (formulario firmado)</source>
        <translation>In writing (signed form)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/types.py" line="37"/>
        <source>Por teléfono</source>
        <translation>By phone</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/types.py" line="38"/>
        <source>Por WhatsApp</source>
        <translation>By WhatsApp</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/types.py" line="39"/>
        <source>No registrado</source>
        <translation>Not recorded</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/types.py" line="13"/>
        <source>Factura</source>
        <translation>Invoice</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/types.py" line="14"/>
        <source>Nota de Crédito</source>
        <translation>Credit note</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/types.py" line="15"/>
        <source>Nota de Débito</source>
        <translation>Debit note</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/types.py" line="18"/>
        <source>Activa</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/types.py" line="19"/>
        <source>Cerrada</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/types.py" line="20"/>
        <source>En espera</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/types.py" line="30"/>
        <source>Exento</source>
        <translation>Exempt</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/types.py" line="31"/>
        <source>Gravado 15 %</source>
        <translation>Taxed 15 %</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/types.py" line="32"/>
        <source>Gravado 18 %</source>
        <translation>Taxed 18 %</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/types.py" line="45"/>
        <source>Efectivo</source>
        <translation>Cash</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/types.py" line="46"/>
        <source>Tarjeta</source>
        <translation>Card</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/types.py" line="47"/>
        <source>Transferencia</source>
        <translation>Bank transfer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/types.py" line="48"/>
        <source>Cheque</source>
        <translation>Cheque</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/types.py" line="49"/>
        <source>Saldo a favor</source>
        <translation>Credit balance</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/types.py" line="58"/>
        <source>Devolver el dinero</source>
        <translation>Give the money back</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/types.py" line="59"/>
        <source>Dejar como saldo a favor</source>
        <translation>Keep it as a credit balance</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/types.py" line="60"/>
        <source>Rebajar lo que se debe</source>
        <translation>Lower what is owed</translation>
    </message>
</context>
<context>
    <name>admin.audit_viewer</name>
    <message>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="48"/>
        <source>Fecha y hora</source>
        <translation>Date and time</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="50"/>
        <source>Usuario</source>
        <translation>User</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="51"/>
        <source>Acción</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="54"/>
        <source>Registro</source>
        <translation>Record</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="60"/>
        <source>Cambios (antes → después)</source>
        <translation>Changes (before → after)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="65"/>
        <source>Detalle</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="86"/>
        <source>Auditoría</source>
        <translation>Audit log</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="95"/>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="104"/>
        <source>Todos</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="100"/>
        <source>{name} (sistema)</source>
        <translation>{name} (system)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="109"/>
        <source>Todas</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="119"/>
        <source>&amp;Desde:</source>
        <translation>&amp;From:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="121"/>
        <source>&amp;Hasta:</source>
        <translation>&amp;To:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="123"/>
        <source>&amp;Usuario:</source>
        <translation>&amp;User:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="124"/>
        <source>&amp;Registro:</source>
        <translation>&amp;Record:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="125"/>
        <source>&amp;Acción:</source>
        <translation>&amp;Action:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="137"/>
        <source>Ac&amp;tualizar</source>
        <translation>R&amp;efresh</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="159"/>
        <source>Elija una fila para ver todos sus cambios.</source>
        <translation>Select a row to see all its changes.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="231"/>
        <source> (desplácese para ver más)</source>
        <translation> (scroll to see more)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/audit_viewer.py" line="237"/>
        <source>{shown} registro{plural} mostrado{plural}{more}</source>
        <translation>{shown} record{plural} shown{more}</translation>
    </message>
</context>
<context>
    <name>admin.backup_actions</name>
    <message>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="23"/>
        <source>Cómo recuperar los datos:
1. Cierre PatoLab Desktop en todas las computadoras que usen esta base de datos.
2. Abra PatoLab Desktop y use Archivo → Restaurar copia… para elegir la copia de seguridad más reciente (se guarda antes una copia del estado actual).
   O en la línea de comandos: patolab --db ARCHIVO restore COPIA.db
3. Compruebe con: patolab --db ARCHIVO check
</source>
        <translation>How to recover the data:
1. Close PatoLab Desktop on every computer that uses this database.
2. Open PatoLab Desktop and use File → Restore backup… to choose the most recent backup (a copy of the current state is saved first).
   Or on the command line: patolab --db FILE restore BACKUP.db
3. Check it with: patolab --db FILE check
</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="37"/>
        <source>C&amp;opia de seguridad ahora</source>
        <translation>&amp;Back up now</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="45"/>
        <source>&amp;Restaurar copia…</source>
        <translation>&amp;Restore backup…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="52"/>
        <source>&amp;Conexión a base de datos…</source>
        <translation>&amp;Database connection…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="62"/>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="68"/>
        <source>Copia de seguridad</source>
        <translation>Backup</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="69"/>
        <source>Copia de seguridad guardada en:
{path}</source>
        <translation>Backup saved to:
{path}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="82"/>
        <source>No se encontraron copias en {backup_folder}.</source>
        <translation>No backups found in {backup_folder}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="86"/>
        <source>Copias más recientes en {backup_folder}:</source>
        <translation>Most recent backups in {backup_folder}:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="101"/>
        <source>Restaurar copia de seguridad</source>
        <translation>Restore backup</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="102"/>
        <source>Copias de PatoLab (*.db);;Todos los archivos (*)</source>
        <translation>PatoLab backups (*.db);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="96"/>
        <source>Restaurar copia</source>
        <translation>Restore backup</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="111"/>
        <source>¿Reemplazar TODOS los datos actuales por la copia
{path}
(esquema {version})?

Antes se guardará una copia del estado actual, por si necesita volver a él. Las demás computadoras deben cerrar el programa antes de continuar.</source>
        <translation>Replace ALL current data with the backup
{path}
(schema {version})?

A copy of the current state is saved first, in case you need to go back to it. The other computers must close the program before you continue.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="146"/>
        <source>Copia restaurada.

El estado anterior quedó guardado en:
{safety_backup}</source>
        <translation>Backup restored.

The previous state was saved to:
{safety_backup}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="178"/>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="244"/>
        <source>No se pudo comprobar la base de datos: {exc}</source>
        <translation>The database could not be checked: {exc}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="199"/>
        <source>La base de datos tiene problemas</source>
        <translation>The database has problems</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="200"/>
        <source>La comprobación de integridad al iniciar encontró problemas. No siga registrando datos hasta recuperarla.

</source>
        <translation>The integrity check at start-up found problems. Do not enter any more data until it has been recovered.

</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="216"/>
        <source>Copia de seguridad automática</source>
        <translation>Automatic backup</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/backup_actions.py" line="217"/>
        <source>No se pudo hacer la copia de seguridad automática:
{exc}</source>
        <translation>The automatic backup could not be made:
{exc}</translation>
    </message>
</context>
<context>
    <name>admin.change_password_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/admin/change_password_dialog.py" line="18"/>
        <location filename="../../patolab_desktop/ui/admin/change_password_dialog.py" line="28"/>
        <source>Cambiar contraseña</source>
        <translation>Change password</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/change_password_dialog.py" line="30"/>
        <source>{name}: su contraseña es temporal. Elija una contraseña propia para continuar.</source>
        <translation>{name}: your password is temporary. Choose your own password to continue.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/change_password_dialog.py" line="36"/>
        <source>Usuario: {name}</source>
        <translation>User: {name}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/change_password_dialog.py" line="40"/>
        <source>Contraseña &amp;actual:</source>
        <translation>&amp;Current password:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/change_password_dialog.py" line="43"/>
        <source>&amp;Nueva contraseña:</source>
        <translation>&amp;New password:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/change_password_dialog.py" line="47"/>
        <source>&amp;Repetir la nueva:</source>
        <translation>&amp;Repeat new password:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/change_password_dialog.py" line="51"/>
        <source>&amp;Guardar</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/change_password_dialog.py" line="54"/>
        <source>Cerrar sesión</source>
        <translation>Log out</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/change_password_dialog.py" line="56"/>
        <source>Cancelar</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/change_password_dialog.py" line="57"/>
        <source>Al menos {MIN_PASSWORD_LENGTH} caracteres, distinta del nombre de usuario y de la contraseña actual, y no de las más usadas.</source>
        <translation>At least {MIN_PASSWORD_LENGTH} characters, different from the user name and the current password, and not one of the most common ones.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/change_password_dialog.py" line="67"/>
        <source>Las dos contraseñas nuevas no coinciden.</source>
        <translation>The two new passwords do not match.</translation>
    </message>
</context>
<context>
    <name>admin.common</name>
    <message>
        <location filename="../../patolab_desktop/ui/admin/common.py" line="42"/>
        <source>Mostrar u ocultar la contraseña</source>
        <translation>Show or hide the password</translation>
    </message>
</context>
<context>
    <name>admin.database_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/admin/database_dialog.py" line="37"/>
        <source>Conexión a base de datos</source>
        <translation>Database connection</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/database_dialog.py" line="43"/>
        <source>Archivo SQLite en esta computadora (una sola computadora)</source>
        <translation>SQLite file on this computer (single computer)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/database_dialog.py" line="48"/>
        <source>Servidor PostgreSQL (varias computadoras)</source>
        <translation>PostgreSQL server (several computers)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/database_dialog.py" line="57"/>
        <source>Examinar…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/database_dialog.py" line="65"/>
        <source>postgresql://usuario:clave@servidor:5432/patolab</source>
        <translation>postgresql://user:password@server:5432/patolab</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/database_dialog.py" line="68"/>
        <source>La contraseña se guarda en el almacén de contraseñas del sistema, nunca en archivos; la URL guardada queda sin ella.</source>
        <translation>The password is kept in the system password store, never in files; the saved URL has no password.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/database_dialog.py" line="79"/>
        <source> días</source>
        <translation> days</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/database_dialog.py" line="81"/>
        <source>&amp;Probar conexión</source>
        <translation>&amp;Test connection</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/database_dialog.py" line="91"/>
        <source>Archivo:</source>
        <translation>File:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/database_dialog.py" line="93"/>
        <source>URL:</source>
        <translation>URL:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/database_dialog.py" line="96"/>
        <source>&lt;b&gt;Copias de seguridad de esta computadora&lt;/b&gt;</source>
        <translation>&lt;b&gt;Backups on this computer&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/database_dialog.py" line="99"/>
        <source>Carpeta:</source>
        <translation>Folder:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/database_dialog.py" line="100"/>
        <source>Conservar:</source>
        <translation>Keep:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/database_dialog.py" line="106"/>
        <source>&amp;Guardar</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/database_dialog.py" line="109"/>
        <source>Cancelar</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/database_dialog.py" line="123"/>
        <source>El cambio de base de datos se aplica al volver a abrir el programa.</source>
        <translation>A change of database takes effect when the program is opened again.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/database_dialog.py" line="145"/>
        <source>Archivo de base de datos</source>
        <translation>Database file</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/database_dialog.py" line="147"/>
        <source>Base de datos SQLite (*.db);;Todos los archivos (*)</source>
        <translation>SQLite database (*.db);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/database_dialog.py" line="173"/>
        <source>La URL debe empezar con postgresql://</source>
        <translation>The URL must start with postgresql://</translation>
    </message>
</context>
<context>
    <name>admin.first_admin_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/admin/first_admin_dialog.py" line="20"/>
        <source>Primer inicio</source>
        <translation>First start</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/first_admin_dialog.py" line="27"/>
        <source>Crear la cuenta del administrador</source>
        <translation>Create the administrator account</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/first_admin_dialog.py" line="28"/>
        <source>Es la primera vez que se abre esta base de datos. El administrador crea después las cuentas de recepción y supervisión. PatoLab no trae ninguna contraseña predeterminada: elija la suya.</source>
        <translation>This is the first time this database is opened. The administrator then creates the front desk and supervisor accounts. PatoLab has no default password: choose your own.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/first_admin_dialog.py" line="39"/>
        <source>Nombre y apellido</source>
        <translation>First and last name</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/first_admin_dialog.py" line="38"/>
        <source>&amp;Nombre completo:</source>
        <translation>&amp;Full name:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/first_admin_dialog.py" line="45"/>
        <source>p. ej. mlopez</source>
        <translation>e.g. mlopez</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/first_admin_dialog.py" line="44"/>
        <source>&amp;Usuario:</source>
        <translation>&amp;User:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/first_admin_dialog.py" line="49"/>
        <source>&amp;Contraseña:</source>
        <translation>&amp;Password:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/first_admin_dialog.py" line="52"/>
        <source>&amp;Repetir contraseña:</source>
        <translation>&amp;Repeat password:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/first_admin_dialog.py" line="55"/>
        <source>Crear a&amp;dministrador</source>
        <translation>&amp;Create administrator</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/first_admin_dialog.py" line="58"/>
        <source>Cancelar</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/first_admin_dialog.py" line="59"/>
        <source>La contraseña debe tener al menos {MIN_PASSWORD_LENGTH} caracteres, ser distinta del usuario y no ser de las más usadas (una frase de varias palabras sirve). Guárdela en un lugar seguro: sin ella solo se puede recuperar el acceso desde la línea de comandos.</source>
        <translation>The password must have at least {MIN_PASSWORD_LENGTH} characters, differ from the user name and not be one of the most common ones (a phrase of several words works). Keep it somewhere safe: without it, access can only be recovered from the command line.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/first_admin_dialog.py" line="79"/>
        <source>Las dos contraseñas no coinciden.</source>
        <translation>The two passwords do not match.</translation>
    </message>
</context>
<context>
    <name>admin.identity_key_dialogs</name>
    <message>
        <location filename="../../patolab_desktop/ui/admin/identity_key_dialogs.py" line="46"/>
        <source>Clave de recuperación</source>
        <translation>Recovery key</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/identity_key_dialogs.py" line="62"/>
        <source>Clave de recuperación de los números de identidad</source>
        <translation>Recovery key for identity numbers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/identity_key_dialogs.py" line="65"/>
        <source>Imprímala o guárdela ahora: una computadora nueva, o una copia de seguridad restaurada en otra computadora, la pedirá.</source>
        <translation>Print or save it now: a new computer, or a backup restored on another computer, will ask for it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/identity_key_dialogs.py" line="93"/>
        <source>&amp;Imprimir…</source>
        <translation>&amp;Print…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/identity_key_dialogs.py" line="96"/>
        <source>&amp;Guardar en un archivo…</source>
        <translation>&amp;Save to a file…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/identity_key_dialogs.py" line="99"/>
        <source>&amp;Copiar</source>
        <translation>&amp;Copy</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/identity_key_dialogs.py" line="106"/>
        <source>&amp;Imprimí o guardé la clave de recuperación y la guardo fuera de esta computadora.</source>
        <translation>&amp;I printed or saved the recovery key and keep it away from this computer.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/identity_key_dialogs.py" line="118"/>
        <source>&amp;Listo</source>
        <translation>&amp;Done</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/identity_key_dialogs.py" line="122"/>
        <source>Más &amp;tarde</source>
        <translation>&amp;Later</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/identity_key_dialogs.py" line="124"/>
        <source>Cerrar</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/identity_key_dialogs.py" line="140"/>
        <source>Copiada al portapapeles.</source>
        <translation>Copied to the clipboard.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/identity_key_dialogs.py" line="145"/>
        <source>PatoLab Desktop — clave de recuperación de los números de identidad</source>
        <translation>PatoLab Desktop — recovery key for identity numbers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/identity_key_dialogs.py" line="159"/>
        <source>Guardar la clave de recuperación</source>
        <translation>Save the recovery key</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/identity_key_dialogs.py" line="161"/>
        <source>Texto (*.txt)</source>
        <translation>Text (*.txt)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/identity_key_dialogs.py" line="174"/>
        <source>Guardada en {path}. Llévela fuera de esta computadora (USB, caja fuerte).</source>
        <translation>Saved to {path}. Take it away from this computer (USB stick, safe).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/identity_key_dialogs.py" line="213"/>
        <source>Esta computadora no tiene la clave de las identidades</source>
        <translation>This computer does not have the identity key</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/identity_key_dialogs.py" line="220"/>
        <source>Es una computadora nueva para esta base de datos, o se restauró una copia hecha en otra. Escriba la clave de recuperación de 56 caracteres que el administrador imprimió o guardó. Sin ella se puede trabajar, pero los números de identidad no se pueden ver, buscar ni guardar aquí.</source>
        <translation>This computer is new to this database, or a backup made on another one was restored. Type the 56-character recovery key that the administrator printed or saved. Without it you can work, but identity numbers cannot be seen, searched or saved here.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/identity_key_dialogs.py" line="240"/>
        <source>&amp;Usar esta clave</source>
        <translation>&amp;Use this key</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/identity_key_dialogs.py" line="244"/>
        <source>Ahora &amp;no</source>
        <translation>&amp;Not now</translation>
    </message>
</context>
<context>
    <name>admin.language_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/admin/language_dialog.py" line="23"/>
        <source>Idioma / Language…</source>
        <translation>Idioma / Language…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/language_dialog.py" line="30"/>
        <source>&amp;Idioma de la interfaz:</source>
        <translation>Interface &amp;language:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/language_dialog.py" line="34"/>
        <source>El idioma se aplica al volver a abrir el programa.</source>
        <translation>The language is applied when the program is opened again.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/language_dialog.py" line="63"/>
        <location filename="../../patolab_desktop/ui/admin/language_dialog.py" line="75"/>
        <source>Idioma cambiado</source>
        <translation>Language changed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/language_dialog.py" line="64"/>
        <source>El idioma cambió. ¿Cerrar PatoLab Desktop ahora para abrirlo en el nuevo idioma? Guarde antes lo que tenga abierto.</source>
        <translation>The language has changed. Close PatoLab Desktop now to open it in the new language? Save anything you have open first.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/language_dialog.py" line="76"/>
        <source>El nuevo idioma se aplicará la próxima vez que abra el programa.</source>
        <translation>The new language will be applied the next time you open the program.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/language_dialog.py" line="88"/>
        <source>&amp;Idioma / Language…</source>
        <translation>&amp;Idioma / Language…</translation>
    </message>
</context>
<context>
    <name>admin.login_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_dialog.py" line="24"/>
        <source>Iniciar sesión</source>
        <translation>Log in</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_dialog.py" line="33"/>
        <source>{lab}
Escriba su usuario y contraseña.</source>
        <translation>{lab}
Enter your user name and password.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_dialog.py" line="37"/>
        <source>Escriba su usuario y contraseña.</source>
        <translation>Enter your user name and password.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_dialog.py" line="43"/>
        <source>usuario</source>
        <translation>user name</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_dialog.py" line="45"/>
        <source>&amp;Usuario:</source>
        <translation>&amp;User:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_dialog.py" line="46"/>
        <source>contraseña</source>
        <translation>password</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_dialog.py" line="48"/>
        <source>&amp;Contraseña:</source>
        <translation>&amp;Password:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_dialog.py" line="51"/>
        <source>&amp;Entrar</source>
        <translation>&amp;Log in</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_dialog.py" line="54"/>
        <source>&amp;Salir</source>
        <translation>E&amp;xit</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_dialog.py" line="64"/>
        <source>Escriba su nombre de usuario.</source>
        <translation>Enter your user name.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_dialog.py" line="69"/>
        <source>Escriba su contraseña.</source>
        <translation>Enter your password.</translation>
    </message>
</context>
<context>
    <name>admin.login_flow</name>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_flow.py" line="61"/>
        <source>Usuario: {display_name} · {role}</source>
        <translation>User: {display_name} · {role}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_flow.py" line="65"/>
        <source>Sin sesión</source>
        <translation>Not logged in</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_flow.py" line="108"/>
        <source>&amp;Usuarios…</source>
        <translation>&amp;Users…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_flow.py" line="115"/>
        <source>&amp;Permisos por rol…</source>
        <translation>&amp;Permissions by role…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_flow.py" line="122"/>
        <source>&amp;Auditoría…</source>
        <translation>&amp;Audit log…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_flow.py" line="129"/>
        <source>Cla&amp;ve de recuperación de identidades…</source>
        <translation>Identity recovery &amp;key…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_flow.py" line="137"/>
        <source>Cambiar con&amp;traseña…</source>
        <translation>&amp;Change password…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_flow.py" line="144"/>
        <source>Cambiar &amp;de usuario…</source>
        <translation>S&amp;witch user…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_flow.py" line="151"/>
        <source>&amp;Bloquear pantalla</source>
        <translation>&amp;Lock screen</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_flow.py" line="219"/>
        <source>Sin permiso</source>
        <translation>Not allowed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_flow.py" line="232"/>
        <source>Cambiar contraseña</source>
        <translation>Change password</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_flow.py" line="233"/>
        <source>La contraseña se cambió.</source>
        <translation>The password was changed.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_flow.py" line="266"/>
        <source>Un administrador restableció su contraseña. Escriba la contraseña temporal que le dieron para volver a entrar; después elegirá una contraseña propia.</source>
        <translation>An administrator reset your password. Type the temporary password you were given to come back in; then you will choose your own password.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_flow.py" line="306"/>
        <source>Cambiar de usuario</source>
        <translation>Switch user</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/login_flow.py" line="307"/>
        <source>Se cerrará la sesión de {name}. Lo que no se haya guardado en los formularios abiertos se perderá. ¿Continuar?</source>
        <translation>{name} will be logged out. Anything not saved in open forms will be lost. Continue?</translation>
    </message>
</context>
<context>
    <name>admin.permission_matrix</name>
    <message>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="108"/>
        <source>Área</source>
        <translation>Area</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="110"/>
        <source>Permiso</source>
        <translation>Permission</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="243"/>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="250"/>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="264"/>
        <source>Permisos por rol</source>
        <translation>Permissions by role</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="251"/>
        <source>Marque o desmarque para conceder o retirar un permiso; el cambio se guarda al instante y queda en la auditoría. Quien tenga la sesión abierta lo recibe en menos de un minuto: sus menús y pestañas aparecen o se ocultan solos. Ocultar un menú es solo cortesía: cada acción vuelve a comprobar el permiso.</source>
        <translation>Tick or untick to grant or withdraw a permission; the change is saved at once and recorded in the audit. Whoever is signed in gets it in under a minute: their menus and tabs appear or hide by themselves. Hiding a menu is only a courtesy: every action checks the permission again.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="284"/>
        <source>Teclado: flechas para moverse, Espacio para marcar o desmarcar.</source>
        <translation>Keyboard: arrows to move, Space to tick or untick.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="295"/>
        <source>&amp;Nuevo rol…</source>
        <translation>&amp;New role…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="298"/>
        <source>&amp;Renombrar rol…</source>
        <translation>&amp;Rename role…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="301"/>
        <source>&amp;Eliminar rol…</source>
        <translation>&amp;Delete role…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="330"/>
        <source>Rol «{name}» (la columna elegida)</source>
        <translation>Role “{name}” (the chosen column)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="334"/>
        <source>Elija una celda de la columna del rol.</source>
        <translation>Choose a cell in the role&apos;s column.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="347"/>
        <source>Nuevo rol</source>
        <translation>New role</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="348"/>
        <source>Nombre del rol:</source>
        <translation>Role name:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="352"/>
        <source>Ninguno (empezar sin permisos)</source>
        <translation>None (start without permissions)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="357"/>
        <source>Copiar los permisos de (ajústelos después):</source>
        <translation>Copy the permissions of (adjust them afterwards):</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="369"/>
        <source>Renombrar rol</source>
        <translation>Rename role</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="374"/>
        <source>Nuevo nombre del rol «{name}»:</source>
        <translation>New name of the role “{name}”:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="393"/>
        <source>Eliminar rol</source>
        <translation>Delete role</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/permission_matrix.py" line="397"/>
        <source>¿Eliminar el rol «{name}» y sus permisos? Queda anotado en la auditoría.</source>
        <translation>Delete the role “{name}” and its permissions? It is recorded in the audit.</translation>
    </message>
</context>
<context>
    <name>admin.screen_lock</name>
    <message>
        <location filename="../../patolab_desktop/ui/admin/screen_lock.py" line="65"/>
        <source>{APP_NAME}
Pantalla bloqueada</source>
        <translation>{APP_NAME}
Screen locked</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/screen_lock.py" line="104"/>
        <location filename="../../patolab_desktop/ui/admin/screen_lock.py" line="118"/>
        <source>Pantalla bloqueada</source>
        <translation>Screen locked</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/screen_lock.py" line="119"/>
        <source>Sesión de {name}.
Escriba su contraseña para continuar: los formularios abiertos siguen tal como los dejó.</source>
        <translation>Session of {name}.
Enter your password to continue: open forms stay just as you left them.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/screen_lock.py" line="125"/>
        <source>contraseña</source>
        <translation>password</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/screen_lock.py" line="127"/>
        <source>&amp;Contraseña:</source>
        <translation>&amp;Password:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/screen_lock.py" line="130"/>
        <source>&amp;Desbloquear</source>
        <translation>&amp;Unlock</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/screen_lock.py" line="133"/>
        <source>Cambiar de &amp;usuario…</source>
        <translation>Switch &amp;user…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/screen_lock.py" line="245"/>
        <source>Contraseña incorrecta. La pantalla sigue bloqueada.</source>
        <translation>Wrong password. The screen stays locked.</translation>
    </message>
</context>
<context>
    <name>admin.settings_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="43"/>
        <source>Configuración del laboratorio</source>
        <translation>Laboratory settings</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="52"/>
        <source>Descuentos por edad</source>
        <translation>Age discounts</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="54"/>
        <source>&amp;Tercera edad desde (años):</source>
        <translation>&amp;Senior from (years):</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="59"/>
        <source>Descuento de tercera edad (%):</source>
        <translation>Senior discount (%):</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="62"/>
        <source>&amp;Cuarta edad desde (años):</source>
        <translation>&amp;Elderly from (years):</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="67"/>
        <source>Descuento de cuarta edad (%):</source>
        <translation>Elderly discount (%):</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="70"/>
        <source>Recepción</source>
        <translation>Front desk</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="79"/>
        <source>&amp;Sucursal predeterminada:</source>
        <translation>Default &amp;branch:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="84"/>
        <source>&amp;Bloqueo por inactividad (minutos, 0 = nunca):</source>
        <translation>&amp;Idle lock (minutes, 0 = never):</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="87"/>
        <source>Esta estación</source>
        <translation>This workstation</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="91"/>
        <source>Encabezado de los documentos</source>
        <translation>Document header</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="93"/>
        <source>&amp;Nombre del laboratorio:</source>
        <translation>Laboratory &amp;name:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="95"/>
        <source>Ra&amp;zón social (factura):</source>
        <translation>Le&amp;gal name (invoice):</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="97"/>
        <source>&amp;Dirección:</source>
        <translation>&amp;Address:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="98"/>
        <source>&amp;RTN:</source>
        <translation>&amp;RTN:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="99"/>
        <source>Teléf&amp;ono:</source>
        <translation>&amp;Phone:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="100"/>
        <source>Corr&amp;eo:</source>
        <translation>E-&amp;mail:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="102"/>
        <source>Guardar</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="168"/>
        <source>No se guardó la configuración</source>
        <translation>The settings were not saved</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/settings_dialog.py" line="191"/>
        <source>Con&amp;figuración del laboratorio…</source>
        <translation>Laboratory se&amp;ttings…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/workstation_fields.py" line="25"/>
        <source>Solo esta computadora, en esta base de datos: sus facturas toman los números del CAI de esta sucursal y punto, y su caja es de esta sucursal. Vacío = la sucursal predeterminada y el punto del laboratorio.</source>
        <translation>Only this computer, on this database: its invoices take the numbers of this branch&apos;s and point&apos;s CAI, and its cash drawer belongs to this branch. Empty = the laboratory&apos;s default branch and point.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/workstation_fields.py" line="38"/>
        <source>La predeterminada del laboratorio</source>
        <translation>The laboratory&apos;s default</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/workstation_fields.py" line="43"/>
        <source>Sucursal de esta &amp;estación:</source>
        <translation>Branch of this &amp;workstation:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/workstation_fields.py" line="51"/>
        <source>&amp;Punto de emisión de esta estación:</source>
        <translation>Issuing &amp;point of this workstation:</translation>
    </message>
</context>
<context>
    <name>admin.users_window</name>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="35"/>
        <source>nunca</source>
        <translation>never</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="48"/>
        <source>Usuario</source>
        <translation>User</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="50"/>
        <source>Nombre completo</source>
        <translation>Full name</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="52"/>
        <source>Rol</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="53"/>
        <source>Estado</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="54"/>
        <source>Último acceso</source>
        <translation>Last login</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="65"/>
        <source>Editar usuario</source>
        <translation>Edit user</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="64"/>
        <source>Nuevo usuario</source>
        <translation>New user</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="76"/>
        <source>&amp;Usuario:</source>
        <translation>&amp;User:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="83"/>
        <source>&amp;Nombre completo:</source>
        <translation>&amp;Full name:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="91"/>
        <source>&amp;Rol:</source>
        <translation>&amp;Role:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="93"/>
        <source>Activo (puede iniciar sesión)</source>
        <translation>Active (can log in)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="99"/>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="161"/>
        <source>Contraseña &amp;temporal:</source>
        <translation>&amp;Temporary password:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="102"/>
        <source>Re&amp;petir contraseña:</source>
        <translation>Re&amp;peat password:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="111"/>
        <source>La persona deberá cambiar esta contraseña temporal la primera vez que inicie sesión.</source>
        <translation>The person will have to change this temporary password at their first login.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="170"/>
        <source>Cancelar</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="129"/>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="175"/>
        <source>Las dos contraseñas no coinciden.</source>
        <translation>The two passwords do not match.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="143"/>
        <source>Restablecer contraseña</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="151"/>
        <source>Restablecer la contraseña de {username}</source>
        <translation>Reset the password of {username}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="154"/>
        <source>La cuenta se desbloquea y la persona deberá elegir una contraseña propia al iniciar sesión.</source>
        <translation>The account is unlocked and the person will have to choose their own password at login.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="164"/>
        <source>Re&amp;petir:</source>
        <translation>Re&amp;peat:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="167"/>
        <source>&amp;Restablecer</source>
        <translation>&amp;Reset</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="202"/>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="292"/>
        <source>Usuarios</source>
        <translation>Users</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="209"/>
        <source>Buscar por usuario o nombre…</source>
        <translation>Search by user name or name…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="213"/>
        <source>Mostrar &amp;inactivos</source>
        <translation>Show &amp;inactive</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="221"/>
        <source>&amp;Restablecer contraseña…</source>
        <translation>&amp;Reset password…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="225"/>
        <source>Des&amp;bloquear</source>
        <translation>Un&amp;lock</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="187"/>
        <source>¿Desactivar a {full_name} ({username})? No podrá iniciar sesión; su historial en la auditoría se conserva.</source>
        <translation>Deactivate {full_name} ({username})? They will not be able to log in; their audit history is kept.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="281"/>
        <source>Contraseña restablecida</source>
        <translation>Password reset</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="282"/>
        <source>{username} deberá cambiar la contraseña al iniciar sesión.</source>
        <translation>{username} will have to change the password at login.</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <location filename="../../patolab_desktop/ui/app.py" line="88"/>
        <source>¿Usar desde ahora {target} en esta computadora?</source>
        <translation>Use {target} on this computer from now on?</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/app.py" line="92"/>
        <source>La base de datos se trasladó</source>
        <translation>The database was moved</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/app.py" line="116"/>
        <source>No se pudo abrir la base de datos</source>
        <translation>The database could not be opened</translation>
    </message>
</context>
<context>
    <name>billing.area</name>
    <message>
        <location filename="../../patolab_desktop/ui/billing/area.py" line="43"/>
        <source>Cobrar y facturar</source>
        <translation>Charge and invoice</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/area.py" line="48"/>
        <source>Número de solicitud:</source>
        <translation>Request number:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/area.py" line="61"/>
        <source>&amp;Cobrar solicitud…</source>
        <translation>&amp;Charge a request…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/area.py" line="68"/>
        <source>&amp;Documentos fiscales…</source>
        <translation>Fiscal &amp;documents…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/area.py" line="75"/>
        <source>Crédito de &amp;empresas…</source>
        <translation>Company c&amp;redit…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/area.py" line="82"/>
        <source>C&amp;uentas vencidas…</source>
        <translation>&amp;Overdue accounts…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/area.py" line="90"/>
        <source>&amp;Autorizaciones fiscales (CAI)…</source>
        <translation>Fiscal &amp;authorisations (CAI)…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/area.py" line="97"/>
        <source>&amp;Abrir caja…</source>
        <translation>&amp;Open cash…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/area.py" line="104"/>
        <source>&amp;Cerrar caja (cuadre)…</source>
        <translation>&amp;Close cash (count)…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/area.py" line="111"/>
        <source>C&amp;ierres de caja…</source>
        <translation>Cash c&amp;loses…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/area.py" line="118"/>
        <source>Avisos de facturación</source>
        <translation>Billing warnings</translation>
    </message>
</context>
<context>
    <name>billing.authorisations_window</name>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="37"/>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="165"/>
        <source>Sucursal</source>
        <translation>Branch</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="38"/>
        <source>Punto y tipo</source>
        <translation>Point and type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="39"/>
        <source>Documento</source>
        <translation>Document</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="40"/>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="183"/>
        <source>CAI</source>
        <translation>CAI</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="42"/>
        <source>Rango autorizado</source>
        <translation>Authorised range</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="44"/>
        <source>Usados</source>
        <translation>Used</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="45"/>
        <source>Quedan</source>
        <translation>Left</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="48"/>
        <source>Fecha límite</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="51"/>
        <source>Estado</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="52"/>
        <source>Avisos</source>
        <translation>Warnings</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="60"/>
        <source>Autorizaciones fiscales</source>
        <translation>Fiscal authorisations</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="75"/>
        <source>&amp;Agregar autorización…</source>
        <translation>&amp;Add authorisation…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="77"/>
        <source>C&amp;errar autorización…</source>
        <translation>&amp;End authorisation…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="83"/>
        <source>&amp;Salir</source>
        <translation>C&amp;lose</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="115"/>
        <source>Cerrar autorización</source>
        <translation>End authorisation</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="116"/>
        <source>Motivo para cerrar la autorización {key} (sus números sobrantes se reportan como no utilizados):</source>
        <translation>Reason to end authorisation {key} (its remaining numbers are reported as unused):</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="140"/>
        <source>Nueva autorización</source>
        <translation>New authorisation</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="170"/>
        <source>Establecimiento (000 = casa matriz)</source>
        <translation>Establishment (000 = head office)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="175"/>
        <source>Punto de emisión</source>
        <translation>Issuing point</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="180"/>
        <source>Tipo de documento</source>
        <translation>Document type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="186"/>
        <source>Desde (correlativo)</source>
        <translation>From (correlative)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="191"/>
        <source>Hasta (correlativo)</source>
        <translation>To (correlative)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="196"/>
        <source>Fecha límite de emisión</source>
        <translation>Issuing deadline</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/authorisations_window.py" line="204"/>
        <source>&amp;Guardar</source>
        <translation>&amp;Save</translation>
    </message>
</context>
<context>
    <name>billing.base</name>
    <message>
        <location filename="../../patolab_desktop/ui/billing/base.py" line="81"/>
        <source>&amp;Cancelar</source>
        <translation>&amp;Cancel</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/base.py" line="108"/>
        <source>C&amp;errar</source>
        <translation>C&amp;lose</translation>
    </message>
</context>
<context>
    <name>billing.cash_dialogs</name>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="43"/>
        <source>Abrir caja</source>
        <translation>Open cash</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="47"/>
        <source>Cuente el fondo con que empieza el día (cambio).</source>
        <translation>Count the float the day starts with (change).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="54"/>
        <source>Fondo inicial (L)</source>
        <translation>Starting float (L)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="57"/>
        <source>&amp;Abrir caja</source>
        <translation>&amp;Open cash</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="78"/>
        <source>Cerrar caja (cuadre)</source>
        <translation>Close cash (count)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="86"/>
        <source>No tiene una caja abierta.</source>
        <translation>You have no open cash session.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="97"/>
        <source>Caja #{id} de {user}, abierta {at}, fondo {float}.</source>
        <translation>Cash #{id} of {user}, opened {at}, float {float}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="132"/>
        <source>Facturas de esta caja cuya solicitud se canceló y aún no tienen nota de crédito: {numbers}. Lo cobrado sigue en esta caja hasta que un supervisor emita la nota (Facturación → Documentos fiscales, «Canceladas sin nota de crédito»).</source>
        <translation>Invoices of this cash drawer whose request was cancelled and that have no credit note yet: {numbers}. The money taken stays in this drawer until a supervisor issues the note (Billing → Fiscal documents, “Cancelled without credit note”).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="147"/>
        <source>Efectivo por denominación</source>
        <translation>Cash by denomination</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="172"/>
        <source>Total efectivo</source>
        <translation>Cash total</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="178"/>
        <source>Esperado y contado</source>
        <translation>Expected and counted</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="180"/>
        <source>Forma de pago</source>
        <translation>Payment method</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="181"/>
        <source>Esperado</source>
        <translation>Expected</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="182"/>
        <source>Contado</source>
        <translation>Counted</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="203"/>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="257"/>
        <source>Diferencia</source>
        <translation>Difference</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="115"/>
        <source>Nota (obligatoria si lo contado no coincide)</source>
        <translation>Note (required when the count differs)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="122"/>
        <source>Ce&amp;rrar caja</source>
        <translation>C&amp;lose cash</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="207"/>
        <source>{method}: {amount} (no entra en caja, no se cuenta)</source>
        <translation>{method}: {amount} (not in the drawer, not counted)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="253"/>
        <source>Usuario</source>
        <translation>User</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="254"/>
        <source>Abierta</source>
        <translation>Opened</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="255"/>
        <source>Cerrada</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="256"/>
        <source>Fondo</source>
        <translation>Float</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="258"/>
        <source>Estado</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="259"/>
        <source>Confirmada por</source>
        <translation>Confirmed by</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="260"/>
        <source>Nota</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="272"/>
        <source>Cierres de caja</source>
        <translation>Cash closes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="287"/>
        <source>Mostrar:</source>
        <translation>Show:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="280"/>
        <source>Cerradas por confirmar</source>
        <translation>Closed, to confirm</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="281"/>
        <source>Todas</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="282"/>
        <source>Confirmadas</source>
        <translation>Confirmed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="283"/>
        <source>Abiertas</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="291"/>
        <source>&amp;Confirmar cierre</source>
        <translation>&amp;Confirm close</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="295"/>
        <source>&amp;Imprimir reporte…</source>
        <translation>&amp;Print report…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="345"/>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="373"/>
        <source>Caja cerrada</source>
        <translation>Cash closed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="348"/>
        <source>Caja abierta</source>
        <translation>Cash open</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="365"/>
        <source>Cerrar caja</source>
        <translation>Close cash</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/cash_dialogs.py" line="374"/>
        <source>La caja quedó cerrada. ¿Imprimir el reporte del cierre?</source>
        <translation>The cash is closed. Print the close report?</translation>
    </message>
</context>
<context>
    <name>billing.credit_dialogs</name>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="39"/>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="238"/>
        <source>Factura</source>
        <translation>Invoice</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="40"/>
        <source>Fecha</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="41"/>
        <source>Vence</source>
        <translation>Due</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="42"/>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="43"/>
        <source>Notas de crédito</source>
        <translation>Credit notes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="44"/>
        <source>Pagado</source>
        <translation>Paid</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="45"/>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="240"/>
        <source>Saldo</source>
        <translation>Balance</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="46"/>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="241"/>
        <source>Días vencida</source>
        <translation>Days overdue</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="56"/>
        <source>Crédito de la empresa</source>
        <translation>Company credit</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="86"/>
        <source>Condiciones de crédito</source>
        <translation>Credit terms</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="91"/>
        <source>Crédito &amp;activo</source>
        <translation>Credit &amp;active</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="93"/>
        <source>&amp;Guardar condiciones</source>
        <translation>&amp;Save terms</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="95"/>
        <source>Límite (L)</source>
        <translation>Limit (L)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="97"/>
        <source>Días para pagar</source>
        <translation>Days to pay</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="110"/>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="193"/>
        <source>Abono</source>
        <translation>Payment on account</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="115"/>
        <source>Registrar a&amp;bono</source>
        <translation>Record pa&amp;yment</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="71"/>
        <source>Estado de cuenta &amp;CSV…</source>
        <translation>Statement &amp;CSV…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="34"/>
        <source>{name} (inactiva)</source>
        <translation>{name} (inactive)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="74"/>
        <source>Estado de cuenta &amp;PDF…</source>
        <translation>Statement &amp;PDF…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="80"/>
        <source>C&amp;errar</source>
        <translation>C&amp;lose</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="141"/>
        <source>Debe {balance} · vencido {overdue} · límite {limit} · disponible {available}</source>
        <translation>Owes {balance} · overdue {overdue} · limit {limit} · available {available}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="152"/>
        <source>Saldo a favor: {amount}</source>
        <translation>Credit balance: {amount}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="188"/>
        <source>Abono registrado.</source>
        <translation>Payment on account recorded.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="190"/>
        <source>{amount} quedan como saldo a favor.</source>
        <translation>{amount} kept as credit balance.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="203"/>
        <source>Estado de cuenta (CSV)</source>
        <translation>Statement of account (CSV)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="205"/>
        <source>Archivos CSV (*.csv)</source>
        <translation>CSV files (*.csv)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="225"/>
        <source>Estado de cuenta (PDF)</source>
        <translation>Statement of account (PDF)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="227"/>
        <source>Documentos PDF (*.pdf)</source>
        <translation>PDF documents (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="229"/>
        <source>Guardado en {path}</source>
        <translation>Saved to {path}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="237"/>
        <source>Empresa</source>
        <translation>Company</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="239"/>
        <source>Venció</source>
        <translation>Was due</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="251"/>
        <source>Cuentas vencidas</source>
        <translation>Overdue accounts</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="257"/>
        <source>&amp;Ver estado de cuenta…</source>
        <translation>&amp;View statement…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="292"/>
        <source>Crédito de empresas</source>
        <extracomment>the companies offered to choose from when the typed text matches several</extracomment>
        <translation>Company credit</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="294"/>
        <source>Empresa (nombre o RTN):</source>
        <translation>Company (name or RTN):</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="321"/>
        <source>No hay una empresa con ese nombre.</source>
        <translation>There is no company with that name.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="342"/>
        <source>Varias empresas coinciden con «{text}». Elija una:</source>
        <translation>Several companies match “{text}”. Choose one:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/credit_dialogs.py" line="346"/>
        <source>Más de {count} empresas coinciden con «{text}»: estas son las primeras; si no está la que busca, escriba más del nombre o el RTN. Elija una:</source>
        <translation>More than {count} companies match “{text}”: these are the first; if the one you want is not here, type more of the name or the RTN. Choose one:</translation>
    </message>
</context>
<context>
    <name>billing.documents_window</name>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="52"/>
        <source>ANULADA</source>
        <extracomment>the type filter&apos;s entry for the facturas still owing a credit note</extracomment>
        <translation>VOID</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="54"/>
        <source>Cancelada sin nota de crédito</source>
        <translation>Cancelled without credit note</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="56"/>
        <source>Con nota de crédito</source>
        <translation>With credit note</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="58"/>
        <source>Pendiente de pago</source>
        <translation>Awaiting payment</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="59"/>
        <source>Vigente</source>
        <translation>Valid</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="64"/>
        <source>Tipo</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="65"/>
        <source>Número</source>
        <translation>Number</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="66"/>
        <source>Fecha</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="67"/>
        <source>Comprador</source>
        <translation>Buyer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="68"/>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="69"/>
        <source>Pagado</source>
        <translation>Paid</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="70"/>
        <source>Saldo</source>
        <translation>Balance</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="71"/>
        <source>Estado</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="72"/>
        <source>Factura original</source>
        <translation>Original invoice</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="80"/>
        <source>Documentos fiscales</source>
        <translation>Fiscal documents</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="88"/>
        <source>Buscar por número o comprador</source>
        <translation>Search by number or buyer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="92"/>
        <source>Facturas y notas</source>
        <translation>Invoices and notes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="93"/>
        <source>Facturas</source>
        <translation>Invoices</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="94"/>
        <source>Notas de crédito</source>
        <translation>Credit notes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="95"/>
        <source>Canceladas sin nota de crédito</source>
        <translation>Cancelled without credit note</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="102"/>
        <source>&amp;Reimprimir…</source>
        <translation>&amp;Reprint…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="103"/>
        <source>Guardar &amp;PDF…</source>
        <translation>Save &amp;PDF…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="104"/>
        <source>&amp;Anular…</source>
        <translation>&amp;Void…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="106"/>
        <source>&amp;Nota de crédito…</source>
        <translation>Credit &amp;note…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="111"/>
        <source>Crédi&amp;to de la empresa…</source>
        <translation>Company cre&amp;dit…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="140"/>
        <source>Factura</source>
        <translation>Invoice</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="142"/>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="197"/>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="281"/>
        <source>Nota de crédito</source>
        <translation>Credit note</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="180"/>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="226"/>
        <source>Anular factura</source>
        <translation>Void invoice</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="231"/>
        <source>Anular la factura &lt;b&gt;{number}&lt;/b&gt; de {buyer} por {total}. El número queda usado y la factura se reimprime con «ANULADA»; los pagos se revierten en la caja.</source>
        <translation>Void invoice &lt;b&gt;{number}&lt;/b&gt; of {buyer} for {total}. The number stays used and the invoice reprints with “ANULADA”; the payments are reversed in the cash.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="241"/>
        <source>Motivo de la anulación:</source>
        <translation>Reason for voiding:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="247"/>
        <source>&amp;Anular factura</source>
        <translation>&amp;Void invoice</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="250"/>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="328"/>
        <source>&amp;Volver</source>
        <translation>&amp;Back</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="289"/>
        <source>Factura &lt;b&gt;{number}&lt;/b&gt; del {date} · {buyer} · total {total} · queda por acreditar {left}</source>
        <translation>Invoice &lt;b&gt;{number}&lt;/b&gt; of {date} · {buyer} · total {total} · left to credit {left}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="345"/>
        <source>Qué se acredita</source>
        <translation>What is credited</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="348"/>
        <source>&amp;Investigaciones quitadas</source>
        <translation>Removed &amp;tests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="351"/>
        <source>La factura &amp;completa</source>
        <translation>The &amp;whole invoice</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="354"/>
        <source>Un &amp;monto (rebaja)</source>
        <translation>An &amp;amount (rebate)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="310"/>
        <source>Motivo</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="311"/>
        <source>Recibe (nombre)</source>
        <translation>Received by (name)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="313"/>
        <source>Documento de quien recibe</source>
        <translation>Receiver&apos;s document</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="316"/>
        <source>El dinero</source>
        <translation>The money</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="317"/>
        <source>Se devuelve en</source>
        <translation>Given back as</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="326"/>
        <source>&amp;Emitir nota de crédito</source>
        <translation>&amp;Issue credit note</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="426"/>
        <source>Marque las investigaciones a acreditar.</source>
        <translation>Tick the tests to credit.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="436"/>
        <source>Nota de crédito emitida</source>
        <translation>Credit note issued</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/documents_window.py" line="437"/>
        <source>Se emitió la nota de crédito. ¿Imprimirla ahora?</source>
        <translation>The credit note was issued. Print it now?</translation>
    </message>
</context>
<context>
    <name>billing.payment_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_row.py" line="44"/>
        <source>Monto</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_row.py" line="47"/>
        <source>Recibido</source>
        <translation>Received</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_row.py" line="51"/>
        <source>Últimos 4</source>
        <translation>Last 4</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_row.py" line="56"/>
        <source>Código de autorización</source>
        <translation>Authorisation code</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_row.py" line="60"/>
        <source>Banco</source>
        <translation>Bank</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_row.py" line="64"/>
        <source>Quitar este pago</source>
        <translation>Remove this payment</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_row.py" line="116"/>
        <source>Referencia</source>
        <translation>Reference</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_row.py" line="118"/>
        <source>Número de cheque</source>
        <translation>Cheque number</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_row.py" line="128"/>
        <source>Falta {amount}</source>
        <translation>Short {amount}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="378"/>
        <location filename="../../patolab_desktop/ui/billing/payment_row.py" line="132"/>
        <source>Cambio: {amount}</source>
        <translation>Change: {amount}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="52"/>
        <source>Descripción</source>
        <translation>Description</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="53"/>
        <source>Cant.</source>
        <translation>Qty</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="54"/>
        <source>Precio</source>
        <translation>Price</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="55"/>
        <source>Descuento</source>
        <translation>Discount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="56"/>
        <source>Importe</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="57"/>
        <source>Impuesto</source>
        <translation>Tax</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="77"/>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="542"/>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="552"/>
        <source>Cobrar y facturar</source>
        <translation>Charge and invoice</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="99"/>
        <source>&amp;Abrir caja…</source>
        <translation>&amp;Open cash…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="140"/>
        <source>Totales</source>
        <translation>Totals</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="129"/>
        <source>Subtotal</source>
        <translation>Subtotal</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="130"/>
        <source>Descuentos</source>
        <translation>Discounts</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="131"/>
        <source>Importe Exento</source>
        <translation>Exempt amount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="132"/>
        <source>Importe Exonerado</source>
        <translation>Exonerated amount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="133"/>
        <source>Importe Gravado 15 %</source>
        <translation>Taxed amount 15 %</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="134"/>
        <source>Importe Gravado 18 %</source>
        <translation>Taxed amount 18 %</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="135"/>
        <source>ISV 15 %</source>
        <translation>ISV 15 %</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="136"/>
        <source>ISV 18 %</source>
        <translation>ISV 18 %</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="137"/>
        <source>Total a pagar</source>
        <translation>Total to pay</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="147"/>
        <source>Comprador</source>
        <translation>Buyer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="151"/>
        <source>CONSUMIDOR &amp;FINAL</source>
        <translation>CONSUMIDOR &amp;FINAL (final consumer)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="156"/>
        <source>Nombre del comprador</source>
        <translation>Buyer&apos;s name</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="157"/>
        <source>RTN o identidad</source>
        <translation>RTN or identity number</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="153"/>
        <source>Comprador &amp;exonerado</source>
        <translation>&amp;Exonerated buyer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="158"/>
        <source>N.º Orden de Compra Exenta</source>
        <translation>Exempt Purchase Order no.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="161"/>
        <source>Constancia del Registro de Exonerados</source>
        <translation>Exonerated Register certificate</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="163"/>
        <source>Registro SAG</source>
        <translation>SAG register</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="171"/>
        <source>Nombre</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="173"/>
        <source>Documento</source>
        <translation>Document</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="190"/>
        <source>Pagos</source>
        <translation>Payments</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="202"/>
        <source>A&amp;gregar pago</source>
        <translation>A&amp;dd payment</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="207"/>
        <source>El resto a &amp;crédito de la empresa</source>
        <translation>The rest on the company&apos;s c&amp;redit</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="225"/>
        <source>&amp;Vista previa / imprimir…</source>
        <translation>Pre&amp;view / print…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="229"/>
        <source>Guardar &amp;PDF…</source>
        <translation>Save &amp;PDF…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="231"/>
        <source>&amp;Emitir factura</source>
        <translation>&amp;Issue invoice</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="235"/>
        <source>Ce&amp;rrar</source>
        <translation>Clo&amp;se</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="238"/>
        <source>Papel:</source>
        <translation>Paper:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="306"/>
        <source>Factura a: {name}</source>
        <translation>Invoice to: {name}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="318"/>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="339"/>
        <source>Saldo a favor: {amount}</source>
        <translation>Credit balance: {amount}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="363"/>
        <source>Pagado {paid} de {total}</source>
        <translation>Paid {paid} of {total}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="369"/>
        <source>A crédito: {amount}</source>
        <translation>On credit: {amount}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="371"/>
        <source>Falta: {amount}</source>
        <translation>Short: {amount}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="374"/>
        <source>Sobra: {amount}</source>
        <translation>Over: {amount}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="401"/>
        <source>Su caja está cerrada: ábrala para cobrar (cada pago va a su cuadre).</source>
        <translation>Your cash is closed: open it to take payments (each payment goes to its count).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="458"/>
        <source>Factura {number} emitida por {total}.</source>
        <translation>Invoice {number} issued for {total}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="463"/>
        <source>Cambio a entregar: {amount}</source>
        <translation>Change to hand back: {amount}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/payment_dialog.py" line="543"/>
        <source>No tiene permiso para facturar: pida a recepción que cobre la solicitud.</source>
        <translation>You may not invoice: ask the front desk to charge the request.</translation>
    </message>
</context>
<context>
    <name>billing.printing</name>
    <message>
        <location filename="../../patolab_desktop/ui/billing/printing.py" line="28"/>
        <source>Carta</source>
        <translation>Letter</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/printing.py" line="30"/>
        <source>Rollo 80 mm</source>
        <translation>80 mm roll</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/printing.py" line="52"/>
        <source>No se puede imprimir el documento</source>
        <translation>The document cannot be printed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/printing.py" line="63"/>
        <source>{title} {number}</source>
        <translation>{title} {number}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/printing.py" line="83"/>
        <source>Guardar documento en PDF</source>
        <translation>Save document as PDF</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/printing.py" line="85"/>
        <source>Documento PDF (*.pdf)</source>
        <translation>PDF document (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/printing.py" line="95"/>
        <source>No se pudo guardar el PDF</source>
        <translation>The PDF could not be saved</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/printing.py" line="110"/>
        <source>No se puede imprimir el cierre</source>
        <translation>The close cannot be printed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/printing.py" line="117"/>
        <source>Cierre de caja #{id}</source>
        <translation>Cash close #{id}</translation>
    </message>
</context>
<context>
    <name>billing.reports_actions</name>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="36"/>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="76"/>
        <source>Archivos CSV (*.csv)</source>
        <translation>CSV files (*.csv)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="38"/>
        <source>Se guardaron {count} filas en:
{path}</source>
        <translation>{count} rows saved to:
{path}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="45"/>
        <source>Libro de ventas</source>
        <translation>Sales book</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="46"/>
        <source>Mes (AAAA-MM):</source>
        <translation>Month (YYYY-MM):</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="75"/>
        <source>Libro de ventas (CSV)</source>
        <translation>Sales book (CSV)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="72"/>
        <source>Libro de ventas (texto para el SAR)</source>
        <translation>Sales book (text for SAR)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="73"/>
        <source>Texto (*.txt)</source>
        <translation>Text (*.txt)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="83"/>
        <source>Archivo guardado en:
{path}</source>
        <translation>File saved to:
{path}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="92"/>
        <source>Números no utilizados</source>
        <translation>Unused numbers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="101"/>
        <source>Facturas y notas de crédito (CSV)</source>
        <translation>Invoices and credit notes (CSV)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="113"/>
        <source>Ventas del día</source>
        <translation>Daily sales</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="119"/>
        <source>Día:</source>
        <translation>Day:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="126"/>
        <source>C&amp;errar</source>
        <translation>C&amp;lose</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="134"/>
        <source>Por forma de pago</source>
        <translation>Per payment method</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="135"/>
        <source>Por usuario</source>
        <translation>Per user</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="136"/>
        <source>Total cobrado</source>
        <translation>Total taken</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="137"/>
        <source>Ventas del {day}</source>
        <translation>Sales of {day}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="153"/>
        <source>Saldo a favor aplicado (no es dinero)</source>
        <translation>Credit balance applied (not money)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="157"/>
        <source>Notas de crédito dejadas como saldo a favor</source>
        <translation>Credit notes kept as credit balance</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="169"/>
        <source>Facturado: {invoiced} · Notas de crédito: {credited} · Documentos: {docs} (anulados: {voided})</source>
        <translation>Invoiced: {invoiced} · Credit notes: {credited} · Documents: {docs} (voided: {voided})</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="193"/>
        <source>&amp;Ventas del día…</source>
        <translation>Daily &amp;sales…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="194"/>
        <source>&amp;Libro de ventas (CSV)…</source>
        <translation>Sales &amp;book (CSV)…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="195"/>
        <source>Libro de ventas (&amp;texto SAR)…</source>
        <translation>Sales book (SAR &amp;text)…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="196"/>
        <source>&amp;Números no utilizados (CSV)…</source>
        <translation>&amp;Unused numbers (CSV)…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/reports_actions.py" line="198"/>
        <source>&amp;Facturas y notas de crédito (CSV)…</source>
        <translation>&amp;Invoices and credit notes (CSV)…</translation>
    </message>
</context>
<context>
    <name>billing.settlement</name>
    <message>
        <location filename="../../patolab_desktop/ui/billing/settlement.py" line="28"/>
        <source>Dinero ya facturado</source>
        <translation>Money already invoiced</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/settlement.py" line="44"/>
        <source>La solicitud está en la factura {number}: total {total}, pagado {paid}, se debe {owed}. ¿Qué se hace con ese dinero?</source>
        <translation>The request is on invoice {number}: total {total}, paid {paid}, owed {owed}. What happens with that money?</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/settlement.py" line="63"/>
        <location filename="../../patolab_desktop/ui/billing/settlement.py" line="114"/>
        <source>Nota de crédito</source>
        <translation>Credit note</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/settlement.py" line="64"/>
        <source>Se devuelve en</source>
        <translation>Given back as</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/settlement.py" line="65"/>
        <source>Recibe (nombre)</source>
        <translation>Received by (name)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/settlement.py" line="67"/>
        <source>Documento de quien recibe</source>
        <translation>Receiver&apos;s document</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/settlement.py" line="82"/>
        <source>Usted no emite notas de crédito: la cancelación se hace y un supervisor debe emitir la nota de crédito de la factura {number}.</source>
        <translation>You do not issue credit notes: the cancellation goes ahead and a supervisor must issue the credit note for invoice {number}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/settlement.py" line="119"/>
        <source>La solicitud se canceló. La factura {number} ya estaba emitida: pida a un supervisor que emita la nota de crédito (Facturación → Documentos fiscales).</source>
        <translation>The request was cancelled. Invoice {number} was already issued: ask a supervisor to issue the credit note (Billing → Fiscal documents).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/settlement.py" line="145"/>
        <source>La nota de crédito no se emitió</source>
        <translation>The credit note was not issued</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/settlement.py" line="146"/>
        <source>La solicitud se canceló, pero la nota de crédito de la factura {number} no se emitió: {error} Emítala desde Facturación → Documentos fiscales.</source>
        <translation>The request was cancelled, but the credit note for invoice {number} was not issued: {error} Issue it from Billing → Fiscal documents.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/settlement.py" line="157"/>
        <source>Se emitió la nota de crédito {number} por {total}.</source>
        <translation>Credit note {number} was issued for {total}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/settlement.py" line="175"/>
        <source>Investigación facturada</source>
        <translation>Invoiced test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/settlement.py" line="180"/>
        <source>Esta investigación ya está cobrada en la factura {number}: no se quita. Un supervisor debe emitir una nota de crédito por ella.</source>
        <translation>This test is already charged on invoice {number}: it is not removed. A supervisor must issue a credit note for it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/settlement.py" line="190"/>
        <source>Esta investigación ya está cobrada en la factura {number}: no se quita de la solicitud, se acredita con una nota de crédito. ¿Emitir la nota ahora?</source>
        <translation>This test is already charged on invoice {number}: it stays on the request and is credited with a credit note. Issue the note now?</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/billing/settlement.py" line="202"/>
        <source>Investigación quitada de la solicitud</source>
        <translation>Test removed from the request</translation>
    </message>
</context>
<context>
    <name>catalog.area</name>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/area.py" line="21"/>
        <source>Catálogo</source>
        <translation>Catalogue</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/area.py" line="23"/>
        <source>&amp;Investigaciones</source>
        <translation>&amp;Tests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/area.py" line="24"/>
        <source>&amp;Nueva investigación…</source>
        <translation>&amp;New test…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/area.py" line="27"/>
        <source>&amp;Sucursales…</source>
        <translation>&amp;Branches…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/area.py" line="34"/>
        <source>I&amp;mportar catálogo (CSV)…</source>
        <translation>&amp;Import catalogue (CSV)…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/area.py" line="64"/>
        <source>investigaciones</source>
        <translation>tests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/area.py" line="41"/>
        <source>C&amp;atálogo (CSV)…</source>
        <translation>C&amp;atalogue (CSV)…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_import.py" line="26"/>
        <location filename="../../patolab_desktop/ui/widgets/csv_export.py" line="93"/>
        <source>Archivos CSV (*.csv)</source>
        <translation>CSV files (*.csv)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/csv_export.py" line="73"/>
        <source>Exportación cancelada</source>
        <translation>Export cancelled</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/csv_export.py" line="74"/>
        <source>No se escribió ningún archivo.</source>
        <translation>No file was written.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/csv_export.py" line="100"/>
        <source>Exportación terminada</source>
        <translation>Export finished</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/csv_export.py" line="102"/>
        <source>Se exportó 1 {noun} a:
{path}</source>
        <translation>1 {noun} exported to:
{path}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/csv_export.py" line="103"/>
        <source>Se exportaron {count:,} {noun} a:
{path}</source>
        <translation>{count:,} {noun} exported to:
{path}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/area.py" line="60"/>
        <source>Exportar catálogo a CSV</source>
        <translation>Export catalogue to CSV</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/area.py" line="63"/>
        <source>investigación</source>
        <translation>test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_import.py" line="25"/>
        <source>Importar catálogo (CSV)</source>
        <translation>Import catalogue (CSV)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_import.py" line="22"/>
        <source>Importar catálogo</source>
        <translation>Import catalogue</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_import.py" line="37"/>
        <source>Revisando el archivo</source>
        <translation>Checking the file</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_import.py" line="46"/>
        <source>  … y {v} filas rechazadas más (la línea de órdenes «patolab import-catalog» las lista todas).</source>
        <translation>  … and {v} more rejected rows (the command “patolab import-catalog” lists them all).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_import.py" line="57"/>
        <source>

¿Importar ahora?</source>
        <translation>

Import now?</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_import.py" line="62"/>
        <source>Guardando el catálogo</source>
        <translation>Saving the catalog</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_import.py" line="66"/>
        <source>Importación cancelada</source>
        <translation>Import cancelled</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_import.py" line="67"/>
        <source>Se canceló la importación: no se guardó ningún cambio.</source>
        <translation>The import was cancelled: no change was saved.</translation>
    </message>
</context>
<context>
    <name>catalog.branches_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="29"/>
        <source>Código</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="32"/>
        <source>Sucursal predeterminada</source>
        <translation>Default branch</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="37"/>
        <source>Nombre</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="38"/>
        <source>Teléfono</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="41"/>
        <source>Predeterminada</source>
        <translation>Default</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="43"/>
        <source>Sí</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="46"/>
        <source>Dirección</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="57"/>
        <source>Tiene 1 solicitud sin terminar: conserva la sucursal, se puede terminar y cobrar, y la lista de solicitudes la sigue mostrando con el filtro Sucursal.</source>
        <translation>It has 1 unfinished request: it keeps the branch, can be finished and charged, and the requests list still shows it with the Branch filter.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="62"/>
        <source>Tiene {count} solicitudes sin terminar: conservan la sucursal, se pueden terminar y cobrar, y la lista de solicitudes las sigue mostrando con el filtro Sucursal.</source>
        <translation>It has {count} unfinished requests: they keep the branch, can be finished and charged, and the requests list still shows them with the Branch filter.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="76"/>
        <source>Editar sucursal</source>
        <translation>Edit branch</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="75"/>
        <source>Nueva sucursal</source>
        <translation>New branch</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="85"/>
        <source>San Pedro Sula</source>
        <translation>San Pedro Sula</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="84"/>
        <source>&amp;Nombre:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="92"/>
        <source>SPS</source>
        <translation>SPS</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="91"/>
        <source>&amp;Código:</source>
        <translation>&amp;Code:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="94"/>
        <source>De 2 a 10 letras o números; encabeza los números de solicitud (SPS-2026-000123).</source>
        <translation>2 to 10 letters or digits; it starts the request numbers (SPS-2026-000123).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="101"/>
        <source>&amp;Teléfono:</source>
        <translation>&amp;Phone:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="104"/>
        <source>&amp;Dirección:</source>
        <translation>&amp;Address:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="108"/>
        <source>&amp;Activa</source>
        <translation>&amp;Active</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="130"/>
        <source>La sucursal predeterminada no se puede desactivar.</source>
        <translation>The default branch cannot be deactivated.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="114"/>
        <source>El código aparece en los números de solicitud (p. ej. SPS-2026-000123).</source>
        <translation>The code appears in the request numbers (e.g. SPS-2026-000123).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="145"/>
        <source>Desactivar sucursal</source>
        <translation>Deactivate branch</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="146"/>
        <source>¿Desactivar la sucursal «{name}»?</source>
        <translation>Deactivate the branch “{name}”?</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="204"/>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="259"/>
        <source>Sucursales</source>
        <translation>Branches</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="210"/>
        <source>&amp;Predeterminada</source>
        <translation>Make &amp;default</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="216"/>
        <source>★ La sucursal predeterminada se usa en las solicitudes nuevas y no se puede desactivar. Intro: editar · Ctrl+N: nueva.</source>
        <translation>★ The default branch is used for new requests and cannot be deactivated. Enter: edit · Ctrl+N: new.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="245"/>
        <source>No se pudo cambiar</source>
        <translation>Could not change it</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="198"/>
        <source>¿Desactivar la sucursal «{name}»? Sus solicitudes se conservan.</source>
        <translation>Deactivate the branch “{name}”? Its requests are kept.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="158"/>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="186"/>
        <source>— Sin indicar —</source>
        <translation>— Not set —</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="163"/>
        <source>Departa&amp;mento:</source>
        <translation>Depart&amp;ment:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="170"/>
        <source>M&amp;unicipio:</source>
        <translation>M&amp;unicipality:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="172"/>
        <source>Los pacientes registrados en esta sucursal lo reciben de forma predeterminada.</source>
        <translation>Patients registered at this branch get it by default.</translation>
    </message>
</context>
<context>
    <name>catalog.catalog_window</name>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="19"/>
        <source>Todas</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="20"/>
        <source>Pruebas individuales</source>
        <translation>Single tests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="21"/>
        <source>Perfiles (paneles)</source>
        <translation>Profiles (panels)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="34"/>
        <source>Inactiva (desactivada)</source>
        <translation>Inactive (deactivated)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="37"/>
        <source>Perfil de {member_count} investigaciones: {members}</source>
        <translation>Profile of {member_count} tests: {members}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="48"/>
        <source>Código</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="53"/>
        <source>Nombre</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="55"/>
        <source>Tipo de muestra</source>
        <translation>Sample type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="59"/>
        <source>Precio</source>
        <translation>Price</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="65"/>
        <source>Perfil: incluye</source>
        <translation>Profile: includes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="99"/>
        <source>Buscar por código o nombre…</source>
        <translation>Search by code or name…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="136"/>
        <source>&amp;Mostrar:</source>
        <translation>&amp;Show:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="137"/>
        <source>Incluir &amp;inactivas</source>
        <translation>Include &amp;inactive</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="112"/>
        <source>&amp;Historial de precios</source>
        <translation>Price &amp;history</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="116"/>
        <source>Cambios de precio de la investigación seleccionada</source>
        <translation>Price changes of the selected test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="121"/>
        <source>&amp;Sucursales…</source>
        <translation>&amp;Branches…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="125"/>
        <source>Sucursales del laboratorio</source>
        <translation>Laboratory branches</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="128"/>
        <source>Im&amp;portar CSV…</source>
        <translation>Im&amp;port CSV…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="132"/>
        <source>Importar investigaciones desde un CSV</source>
        <translation>Import tests from a CSV file</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="139"/>
        <source>Intro: editar · Ctrl+N: nueva · Supr: desactivar · Ctrl+H: historial de precios · F5: actualizar</source>
        <translation>Enter: edit · Ctrl+N: new · Del: deactivate · Ctrl+H: price history · F5: refresh</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="89"/>
        <source>¿Desactivar {code} — {name}?

Dejará de ofrecerse en las solicitudes nuevas; las solicitudes que ya la tienen no cambian.</source>
        <translation>Deactivate {code} — {name}?

It will no longer be offered for new requests; requests that already have it do not change.</translation>
    </message>
</context>
<context>
    <name>catalog.forms</name>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/forms.py" line="397"/>
        <source>&amp;Guardar</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/forms.py" line="403"/>
        <source>Cancelar</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>catalog.investigation_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/investigation_dialog.py" line="44"/>
        <source>Editar investigación</source>
        <translation>Edit test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/investigation_dialog.py" line="43"/>
        <source>Nueva investigación</source>
        <translation>New test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/investigation_dialog.py" line="61"/>
        <source>p. ej. GLU (se guarda en mayúsculas)</source>
        <translation>e.g. GLU (saved in capitals)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/investigation_dialog.py" line="60"/>
        <source>&amp;Código:</source>
        <translation>&amp;Code:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/investigation_dialog.py" line="70"/>
        <source>Glucosa en ayunas</source>
        <translation>Fasting glucose</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/investigation_dialog.py" line="69"/>
        <source>&amp;Nombre:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/investigation_dialog.py" line="78"/>
        <source>Suero, Sangre total (EDTA), Orina…</source>
        <translation>Serum, Whole blood (EDTA), Urine…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/investigation_dialog.py" line="86"/>
        <source>&amp;Tipo de muestra:</source>
        <translation>Sample t&amp;ype:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/investigation_dialog.py" line="102"/>
        <source>&amp;Historial de precios…</source>
        <translation>Price &amp;history…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/investigation_dialog.py" line="109"/>
        <source>&amp;Precio (L):</source>
        <translation>&amp;Price (L):</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/investigation_dialog.py" line="129"/>
        <source>&amp;Activa (se ofrece en las solicitudes nuevas)</source>
        <translation>&amp;Active (offered for new requests)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/investigation_dialog.py" line="136"/>
        <source>Es un pe&amp;rfil (panel): agrupa otras investigaciones</source>
        <translation>Is a p&amp;rofile (panel): groups other tests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/investigation_dialog.py" line="144"/>
        <source>Investigaciones del perfil</source>
        <translation>Tests in the profile</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/investigation_dialog.py" line="177"/>
        <source>Precio desde el {changed_at:%d/%m/%Y}</source>
        <translation>Price since {changed_at:%d/%m/%Y}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/investigation_dialog.py" line="183"/>
        <source>3 decimales, p. ej. 180.000</source>
        <translation>3 decimals, e.g. 180.000</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/investigation_dialog.py" line="208"/>
        <source>Dejar de ser perfil</source>
        <translation>Stop being a profile</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/investigation_dialog.py" line="209"/>
        <source>Desmarcó «Es un perfil»: se quitarán sus {len} investigaciones. ¿Continuar?</source>
        <translation>You unticked “Is a profile”: its {len} tests will be removed. Continue?</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/investigation_dialog.py" line="45"/>
        <source>La investigación cambió</source>
        <translation>The test has changed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/investigation_dialog.py" line="124"/>
        <source>Impuesto (factura):</source>
        <translation>Tax (invoice):</translation>
    </message>
</context>
<context>
    <name>catalog.list_tab</name>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="237"/>
        <source>Mostrando {shown:,} de más de {cap:,} {noun_many}</source>
        <translation>Showing {shown:,} of more than {cap:,} {noun_many}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="55"/>
        <source>  (Ctrl+F)</source>
        <translation>  (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="90"/>
        <source>&amp;Nueva</source>
        <translation>&amp;New</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="92"/>
        <source>&amp;Nuevo</source>
        <translation>&amp;New</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="101"/>
        <source>&amp;Editar</source>
        <translation>&amp;Edit</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="110"/>
        <source>&amp;Desactivar</source>
        <translation>&amp;Deactivate</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="119"/>
        <source>&amp;Reactivar</source>
        <translation>&amp;Reactivate</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="96"/>
        <source>Registrar {one} nuev{o}</source>
        <translation>Register a new {one}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="105"/>
        <source>Editar {one} seleccionad{o} (Intro o doble clic)</source>
        <translation>Edit the selected {one} (Enter or double-click)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="114"/>
        <source>Desactivar {one} seleccionad{o}</source>
        <translation>Deactivate the selected {one}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="123"/>
        <source>Reactivar {one} seleccionad{o}</source>
        <translation>Reactivate the selected {one}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="128"/>
        <source>Actuali&amp;zar</source>
        <translation>Re&amp;fresh</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="132"/>
        <source>Volver a leer la lista de la base de datos</source>
        <translation>Read the list from the database again</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="137"/>
        <source>Buscar</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="141"/>
        <source>Ir al cuadro de búsqueda</source>
        <translation>Go to the search box</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="162"/>
        <source>&amp;Buscar:</source>
        <translation>&amp;Search:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="221"/>
        <source>No hay {noun_many} que coincidan con la búsqueda.</source>
        <translation>No {noun_many} match the search.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="225"/>
        <source>No hay {noun_many} registrad{suffix}.</source>
        <translation>No {noun_many} registered yet.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="230"/>
        <source>Mostrando {shown:,} {noun_many} (hay más: baje para verlos)</source>
        <translation>Showing {shown:,} {noun_many} (there are more: scroll down to see them)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="241"/>
        <source>Mostrando {shown:,} de {total:,} {noun_many}</source>
        <translation>Showing {shown:,} of {total:,} {noun_many}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_tab.py" line="276"/>
        <source>Guardado: {name}</source>
        <translation>Saved: {name}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_editor.py" line="153"/>
        <source>No encontrado</source>
        <translation>Not found</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_editor.py" line="154"/>
        <source>Ese {noun_one} ya no existe en la base de datos. Se actualizará la lista.</source>
        <translation>That {noun_one} no longer exists in the database. The list will be refreshed.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_editor.py" line="188"/>
        <source>Desactivar {noun_one}</source>
        <translation>Deactivate {noun_one}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_editor.py" line="197"/>
        <source>No se pudo desactivar</source>
        <translation>Could not deactivate</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_editor.py" line="210"/>
        <source>No se pudo reactivar</source>
        <translation>Could not reactivate</translation>
    </message>
</context>
<context>
    <name>catalog.members_editor</name>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/members_editor.py" line="49"/>
        <source>Código</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/members_editor.py" line="50"/>
        <source>Nombre</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/members_editor.py" line="51"/>
        <source>Muestra</source>
        <translation>Sample</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/members_editor.py" line="54"/>
        <source>Precio</source>
        <translation>Price</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/members_editor.py" line="88"/>
        <source>Código o nombre de la investigación a agregar…</source>
        <translation>Code or name of the test to add…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/members_editor.py" line="97"/>
        <source>Agr&amp;egar</source>
        <translation>A&amp;dd</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/members_editor.py" line="104"/>
        <source>&amp;Quitar</source>
        <translation>&amp;Remove</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/members_editor.py" line="106"/>
        <source>S&amp;ubir</source>
        <translation>Move &amp;up</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/members_editor.py" line="111"/>
        <source>Ba&amp;jar</source>
        <translation>Move do&amp;wn</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/members_editor.py" line="129"/>
        <source>Agregar:</source>
        <translation>Add:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/members_editor.py" line="144"/>
        <source>&amp;Incluye (en este orden):</source>
        <translation>&amp;Includes (in this order):</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/members_editor.py" line="202"/>
        <source>investigación</source>
        <translation>test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/members_editor.py" line="204"/>
        <source>investigaciones</source>
        <translation>tests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/members_editor.py" line="207"/>
        <source>{count} {noun}; suma de sus precios por separado: {format_lempiras}</source>
        <translation>{count} {noun}; sum of their separate prices: {format_lempiras}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/members_editor.py" line="216"/>
        <source>El perfil aún no tiene investigaciones.</source>
        <translation>The profile has no tests yet.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/members_editor.py" line="258"/>
        <source>este perfil</source>
        <translation>this profile</translation>
    </message>
</context>
<context>
    <name>catalog.price_history</name>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/price_history.py" line="30"/>
        <source>precio inicial</source>
        <translation>initial price</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/price_history.py" line="54"/>
        <source>Fecha</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/price_history.py" line="59"/>
        <source>Precio anterior</source>
        <translation>Previous price</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/price_history.py" line="65"/>
        <source>Precio nuevo</source>
        <translation>New price</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/price_history.py" line="71"/>
        <source>Cambio</source>
        <translation>Change</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/price_history.py" line="77"/>
        <source>Cambiado por</source>
        <translation>Changed by</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/price_history.py" line="96"/>
        <source>Historial de precios — {code}</source>
        <translation>Price history — {code}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/price_history.py" line="103"/>
        <source>&lt;b&gt;{code}&lt;/b&gt; — {name}&lt;br&gt;Precio actual: &lt;b&gt;{format_lempiras}&lt;/b&gt;</source>
        <translation>&lt;b&gt;{code}&lt;/b&gt; — {name}&lt;br&gt;Current price: &lt;b&gt;{format_lempiras}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/price_history.py" line="112"/>
        <source>Las solicitudes guardan el precio del día en que se crearon: un cambio aquí no las modifica.</source>
        <translation>Requests keep the price of the day they were created: a change here does not alter them.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/price_history.py" line="123"/>
        <source>&amp;Cerrar</source>
        <translation>&amp;Close</translation>
    </message>
</context>
<context>
    <name>customers.area</name>
    <message>
        <location filename="../../patolab_desktop/ui/customers/area.py" line="22"/>
        <source>Clientes</source>
        <translation>Customers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/area.py" line="24"/>
        <source>&amp;Clientes</source>
        <translation>&amp;Customers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/area.py" line="27"/>
        <source>&amp;Nuevo cliente…	Ctrl+N</source>
        <translation>&amp;New customer…	Ctrl+N</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/area.py" line="30"/>
        <source>&amp;Clientes (CSV)…</source>
        <translation>&amp;Customers (CSV)…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/area.py" line="77"/>
        <source>Exportar clientes a CSV</source>
        <translation>Export customers to CSV</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/area.py" line="79"/>
        <source>Archivos CSV (*.csv)</source>
        <translation>CSV files (*.csv)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/area.py" line="97"/>
        <location filename="../../patolab_desktop/ui/customers/area.py" line="111"/>
        <source>Exportar clientes</source>
        <translation>Export customers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/area.py" line="101"/>
        <source>Exportando clientes</source>
        <translation>Exporting customers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/area.py" line="91"/>
        <source>Exportación terminada</source>
        <translation>Export finished</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/area.py" line="87"/>
        <source>Se exportó 1 cliente a:
{path}</source>
        <translation>1 customer exported to:
{path}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/area.py" line="89"/>
        <source>Se exportaron {count:,} clientes a:
{path}</source>
        <translation>{count:,} customers exported to:
{path}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/area.py" line="113"/>
        <source>La lista de Clientes tiene un filtro:
{filters}</source>
        <translation>The Customers list has a filter:
{filters}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/area.py" line="118"/>
        <source>¿Exporta solo lo filtrado o quita el filtro?</source>
        <translation>Export only the filtered customers, or clear the filter?</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/area.py" line="121"/>
        <source>Exportar lo &amp;filtrado</source>
        <translation>Export the &amp;filtered ones</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/area.py" line="124"/>
        <source>&amp;Quitar el filtro y exportar todos</source>
        <translation>&amp;Clear the filter and export all</translation>
    </message>
</context>
<context>
    <name>customers.customer_columns</name>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_columns.py" line="28"/>
        <source>Inactivo (desactivado)</source>
        <translation>Inactive (deactivated)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_columns.py" line="31"/>
        <source>Datos incompletos: ábralo para completarlos</source>
        <translation>Incomplete details: open it to complete them</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_columns.py" line="58"/>
        <source>Nombre</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_columns.py" line="62"/>
        <source>Identidad/RTN</source>
        <translation>ID/RTN</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_columns.py" line="45"/>
        <source>Ordena por tipo de documento (DNI, ninguno, pasaporte, residente, RTN) y, dentro de cada tipo, por fecha de registro: los números se guardan cifrados y no se ordenan.</source>
        <translation>Sorts by kind of document (DNI, none, passport, residence card, RTN), then by registration date within each kind: the numbers are stored encrypted and cannot be sorted.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_columns.py" line="65"/>
        <source>Tipo</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_columns.py" line="71"/>
        <source>Edad</source>
        <translation>Age</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_columns.py" line="72"/>
        <source>Género</source>
        <translation>Gender</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_columns.py" line="73"/>
        <source>Teléfono</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_columns.py" line="74"/>
        <source>Correo</source>
        <translation>Email</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_columns.py" line="75"/>
        <source>Departamento</source>
        <translation>Department</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_columns.py" line="76"/>
        <source>Municipio</source>
        <translation>Municipality</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_columns.py" line="79"/>
        <source>Registrado</source>
        <translation>Registered</translation>
    </message>
</context>
<context>
    <name>customers.customer_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="38"/>
        <source>&amp;Paciente</source>
        <translation>&amp;Patient</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="39"/>
        <source>E&amp;mpresa</source>
        <translation>Co&amp;mpany</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="110"/>
        <source>Editar cliente</source>
        <translation>Edit customer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="112"/>
        <source>Nuevo cliente</source>
        <translation>New customer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="87"/>
        <source>Identificación</source>
        <translation>Identification</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="106"/>
        <source>Tipo:</source>
        <translation>Type:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="115"/>
        <source>Nombres del paciente</source>
        <translation>Patient&apos;s first names</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="114"/>
        <source>&amp;Nombres:</source>
        <translation>First &amp;names:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="121"/>
        <source>Apellidos del paciente</source>
        <translation>Patient&apos;s last names</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="120"/>
        <source>&amp;Apellidos:</source>
        <translation>&amp;Last names:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="127"/>
        <source>Razón social o nombre de la institución</source>
        <translation>Company or institution name</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="126"/>
        <source>&amp;Nombre:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="173"/>
        <source>Escriba solo los números; los guiones se ponen solos.</source>
        <translation>Type the digits only; the dashes are added automatically.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="164"/>
        <source>&amp;Género:</source>
        <translation>&amp;Gender:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="194"/>
        <source>No &amp;sé la fecha</source>
        <translation>Date un&amp;known</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="197"/>
        <source>Sin fecha de nacimiento: escriba la edad declarada</source>
        <translation>No date of birth: enter the stated age</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="208"/>
        <source>&amp;Fecha de nacimiento:</source>
        <translation>Date of &amp;birth:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="156"/>
        <source>&amp;Edad:</source>
        <translation>&amp;Age:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="36"/>
        <source>Contacto</source>
        <translation>Contact</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="41"/>
        <source>9988-7766 (WhatsApp)</source>
        <translation>9988-7766 (WhatsApp)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="40"/>
        <source>&amp;Teléfono:</source>
        <translation>P&amp;hone:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="43"/>
        <source>Número principal; se usa para WhatsApp. Sin código se asume Honduras (+504).</source>
        <translation>Main number; used for WhatsApp. Without a country code Honduras (+504) is assumed.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="52"/>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="247"/>
        <source>Opcional</source>
        <translation>Optional</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="51"/>
        <source>Teléfono &amp;2:</source>
        <translation>Phone &amp;2:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="59"/>
        <source>nombre@ejemplo.com</source>
        <translation>name@example.com</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="58"/>
        <source>&amp;Correo:</source>
        <translation>&amp;Email:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="62"/>
        <source>No en&amp;viar notificaciones (bloqueado)</source>
        <translation>Do not send notifi&amp;cations (blocked)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="157"/>
        <source>Avisos por WhatsApp</source>
        <translation>WhatsApp notices</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="166"/>
        <source>Avisos &amp;WhatsApp:</source>
        <translation>&amp;WhatsApp notices:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="167"/>
        <source>¿El paciente acepta avisos por WhatsApp (solicitud recibida, resultados listos)? Se guarda la fecha y quién lo registró.</source>
        <translation>Does the patient accept WhatsApp notices (request received, results ready)? The date and who recorded it are kept.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="174"/>
        <source>— Elija —</source>
        <translation>— Choose —</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="182"/>
        <source>¿Cómo?</source>
        <translation>How?</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="183"/>
        <source>Cómo dio el paciente su consentimiento.</source>
        <translation>How the patient gave consent.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="200"/>
        <source>Mensajes:</source>
        <translation>Messages:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="201"/>
        <source>Los avisos que el paciente acepta recibir; los demás no se le envían.</source>
        <translation>The notices the patient agrees to receive; the others are not sent.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="72"/>
        <source>Dirección</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="78"/>
        <source>&amp;Departamento:</source>
        <translation>&amp;Department:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="88"/>
        <source>M&amp;unicipio:</source>
        <translation>M&amp;unicipality:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="97"/>
        <source>Colonia, calle, número de casa</source>
        <translation>Neighbourhood, street, house number</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="96"/>
        <source>Di&amp;rección:</source>
        <translation>Add&amp;ress:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="103"/>
        <source>Referencia (opcional)</source>
        <translation>Landmark (optional)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="102"/>
        <source>Dirección 2:</source>
        <translation>Address 2:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="109"/>
        <source>País:</source>
        <translation>Country:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="117"/>
        <source>Código p&amp;ostal:</source>
        <translation>P&amp;ostal code:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="132"/>
        <source>Otros datos</source>
        <translation>Other details</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="137"/>
        <source>Número de expediente en otro sistema</source>
        <translation>File number in another system</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="136"/>
        <source>E&amp;xpediente externo:</source>
        <translation>E&amp;xternal file:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="142"/>
        <source>Alergias, observaciones…</source>
        <translation>Allergies, remarks…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="149"/>
        <source>Notas (a&amp;lergias):</source>
        <translation>No&amp;tes (allergies):</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="179"/>
        <source>Guardar</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="185"/>
        <source>Guardar (Intro o Ctrl+S)</source>
        <translation>Save (Enter or Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="206"/>
        <source>Cancelar</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="210"/>
        <source>Cancelar (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="125"/>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="250"/>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="236"/>
        <source>— Seleccione —</source>
        <translation>— Select —</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="330"/>
        <source>años, calculada hoy desde la fecha de nacimiento</source>
        <translation>years, calculated today from the date of birth</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="252"/>
        <source>— Elija antes el departamento —</source>
        <translation>— Choose the department first —</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="421"/>
        <source>Este cliente está inactivo (desactivado).</source>
        <translation>This customer is inactive (deactivated).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="503"/>
        <source>El cliente cambió</source>
        <translation>The customer has changed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="504"/>
        <source>{exc}

Otra persona guardó este cliente mientras usted lo editaba. Se cargarán los datos actuales; revise y vuelva a aplicar sus cambios.</source>
        <translation>{exc}

Someone else saved this customer while you were editing it. The current details will be loaded; check them and apply your changes again.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="514"/>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="570"/>
        <source>Cliente no encontrado</source>
        <translation>Customer not found</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="519"/>
        <location filename="../../patolab_desktop/ui/customers/customer_form.py" line="197"/>
        <source>No se guardó</source>
        <translation>Not saved</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="65"/>
        <source>Identidad {id_number}</source>
        <translation>ID {id_number}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="71"/>
        <source>Tel. {phone}</source>
        <translation>Tel. {phone}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="108"/>
        <source>Ver cliente</source>
        <translation>View customer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="139"/>
        <source>Cerrar</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="140"/>
        <source>Cerrar (Esc)</source>
        <translation>Close (Esc)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="541"/>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="561"/>
        <source>… y {v} más</source>
        <translation>… and {v} more</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="544"/>
        <source>Posible cliente duplicado:</source>
        <translation>Possible duplicate customer:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="555"/>
        <source>Posible cliente duplicado</source>
        <translation>Possible duplicate customer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="556"/>
        <source>Ya hay clientes registrados que parecen ser el mismo:

</source>
        <translation>There are registered customers who look like the same person:

</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="560"/>
        <source>

¿Guardar de todos modos?</source>
        <translation>

Save anyway?</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="571"/>
        <source>Este cliente ya no existe.</source>
        <translation>This customer no longer exists.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="578"/>
        <source>Se cargaron los datos guardados por otra persona.</source>
        <translation>The details saved by someone else have been loaded.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="42"/>
        <source>0801-1990-12345 (13 dígitos)</source>
        <translation>0801-1990-12345 (13 digits)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="43"/>
        <source>08011990123456 (14 dígitos)</source>
        <translation>08011990123456 (14 digits)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="44"/>
        <source>Letras y números, p. ej. F1234567</source>
        <translation>Letters and digits, e.g. F1234567</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="47"/>
        <source>Número del carné</source>
        <translation>Card number</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="48"/>
        <source>Sin documento</source>
        <translation>No document</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="130"/>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="245"/>
        <source>35, 8m o 3d</source>
        <translation>35, 8m or 3d</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="146"/>
        <source>Años (35), meses (8m) o días (3d) para los bebés.</source>
        <translation>Years (35), months (8m) or days (3d) for babies.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="161"/>
        <source>Una tecla: M (mujer), H (hombre), O (otro).</source>
        <translation>One key: the first letter of the choice.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="181"/>
        <source>&amp;Identidad:</source>
        <translation>&amp;ID:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="340"/>
        <source>escriba la fecha de nacimiento</source>
        <translation>type the date of birth</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="349"/>
        <source>{age}, declarada hoy</source>
        <translation>{age}, declared today</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/identity_section.py" line="351"/>
        <source>declarada (sin fecha de nacimiento)</source>
        <translation>declared (no date of birth)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="79"/>
        <location filename="../../patolab_desktop/ui/customers/contact_sections.py" line="89"/>
        <source>Escriba parte del nombre (sin tildes) y pulse Intro.</source>
        <translation>Type part of the name (accents optional) and press Enter.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="188"/>
        <source>Guardar &amp;y crear solicitud</source>
        <translation>Save and create re&amp;quest</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="193"/>
        <source>Guardar y abrir una solicitud nueva para este paciente (Ctrl+Mayús+Intro)</source>
        <translation>Save and open a new request for this patient (Ctrl+Shift+Enter)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="200"/>
        <source>Mensa&amp;jes de WhatsApp…</source>
        <translation>WhatsApp me&amp;ssages…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_dialog.py" line="480"/>
        <source>Escriba la fecha de nacimiento o marque «No sé la fecha».</source>
        <translation>Type the date of birth or tick “Date unknown”.</translation>
    </message>
</context>
<context>
    <name>customers.customer_filters</name>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_filters.py" line="24"/>
        <source>Tipo de cliente</source>
        <translation>Customer type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_filters.py" line="28"/>
        <source>Todos los tipos</source>
        <translation>All types</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_filters.py" line="30"/>
        <source>Género</source>
        <translation>Gender</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_filters.py" line="34"/>
        <source>Todos los géneros</source>
        <translation>All genders</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_filters.py" line="36"/>
        <source>Departamento</source>
        <translation>Department</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_filters.py" line="40"/>
        <source>Todos los departamentos</source>
        <translation>All departments</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_filters.py" line="43"/>
        <source>Municipio (elija antes el departamento)</source>
        <translation>Municipality (choose the department first)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_filters.py" line="48"/>
        <source>Mostrar i&amp;nactivos</source>
        <translation>Show i&amp;nactive</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_filters.py" line="51"/>
        <source>Incluye los clientes desactivados, para reactivarlos</source>
        <translation>Includes deactivated customers, so they can be reactivated</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_filters.py" line="56"/>
        <source>Solo inco&amp;mpletos</source>
        <translation>Inco&amp;mplete only</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_filters.py" line="59"/>
        <source>Solo los clientes importados a los que les faltan datos</source>
        <translation>Only imported customers with missing details</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_filters.py" line="65"/>
        <source>&amp;Filtros:</source>
        <translation>&amp;Filters:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customer_filters.py" line="103"/>
        <source>Todos los municipios</source>
        <translation>All municipalities</translation>
    </message>
</context>
<context>
    <name>customers.customers_window</name>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="56"/>
        <source>Buscar por nombre, teléfono, correo o identidad…  (Ctrl+F)</source>
        <translation>Search by name, phone, email or ID…  (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="104"/>
        <source>&amp;Nuevo</source>
        <translation>&amp;New</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="108"/>
        <source>Registrar un cliente nuevo</source>
        <translation>Register a new customer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="110"/>
        <source>&amp;Editar</source>
        <translation>&amp;Edit</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="116"/>
        <source>Editar el cliente seleccionado (Intro o doble clic)</source>
        <translation>Edit the selected customer (Enter or double-click)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="121"/>
        <source>Ver el cliente seleccionado (Intro o doble clic)</source>
        <translation>View the selected customer (Enter or double click)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="126"/>
        <source>&amp;Ver</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="129"/>
        <source>&amp;Desactivar</source>
        <translation>&amp;Deactivate</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="133"/>
        <source>Desactivar el cliente seleccionado</source>
        <translation>Deactivate the selected customer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="138"/>
        <source>&amp;Reactivar</source>
        <translation>&amp;Reactivate</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="142"/>
        <source>Reactivar el cliente seleccionado</source>
        <translation>Reactivate the selected customer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="145"/>
        <source>Actuali&amp;zar</source>
        <translation>Re&amp;fresh</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="149"/>
        <source>Volver a leer la lista de la base de datos</source>
        <translation>Read the list from the database again</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="162"/>
        <source>Buscar</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="166"/>
        <source>Ir al cuadro de búsqueda</source>
        <translation>Go to the search box</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="180"/>
        <source>&amp;Buscar:</source>
        <translation>&amp;Search:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="199"/>
        <source>Intro: editar</source>
        <translation>Enter: edit</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="201"/>
        <source>Intro: ver</source>
        <translation>Enter: view</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="204"/>
        <source>Ctrl+N: nuevo</source>
        <translation>Ctrl+N: new</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="207"/>
        <source>F9: nueva solicitud</source>
        <translation>F9: new request</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="209"/>
        <source>Supr: desactivar</source>
        <translation>Del: deactivate</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="213"/>
        <source>F5: actualizar</source>
        <translation>F5: refresh</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="242"/>
        <source>No hay clientes que coincidan con la búsqueda.</source>
        <translation>No customers match the search.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="246"/>
        <source>No hay clientes registrados.</source>
        <translation>No customers registered yet.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="249"/>
        <source>Mostrando {shown:,} clientes (hay más: baje para verlos)</source>
        <translation>Showing {shown:,} customers (there are more: scroll down to see them)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="255"/>
        <source>{total:,} cliente</source>
        <translation>{total:,} customer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="257"/>
        <source>{total:,} clientes</source>
        <translation>{total:,} customers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="262"/>
        <source>Mostrando {shown:,} de más de {COUNT_CAP:,} clientes</source>
        <translation>Showing {shown:,} of more than {COUNT_CAP:,} customers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="266"/>
        <source>Mostrando {shown:,} de {total:,} clientes</source>
        <translation>Showing {shown:,} of {total:,} customers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="340"/>
        <source>Nuevo cliente</source>
        <translation>New customer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="349"/>
        <source>Cliente guardado: {name}</source>
        <translation>Customer saved: {name}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="368"/>
        <source>Nueva solicitud</source>
        <translation>New request</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="384"/>
        <source>Ver cliente</source>
        <translation>View customer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="397"/>
        <source>Cliente no encontrado</source>
        <translation>Customer not found</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="398"/>
        <source>Ese cliente ya no existe en la base de datos. Se actualizará la lista.</source>
        <translation>That customer no longer exists in the database. The list will be refreshed.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="409"/>
        <source>Cambios guardados: {name}</source>
        <translation>Changes saved: {name}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="426"/>
        <source>Desactivar cliente</source>
        <translation>Deactivate customer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="427"/>
        <source>¿Desactivar a «{name}»?

Dejará de aparecer en las listas y búsquedas, pero su historial se conserva. Un administrador puede reactivarlo.</source>
        <translation>Deactivate “{name}”?

They will no longer appear in lists and searches, but their history is kept. An administrator can reactivate them.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="434"/>
        <source>No se pudo desactivar</source>
        <translation>Could not deactivate</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="445"/>
        <source>No se pudo reactivar</source>
        <translation>Could not reactivate</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="152"/>
        <source>Nueva so&amp;licitud</source>
        <translation>New re&amp;quest</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="156"/>
        <source>Abrir una solicitud nueva para el paciente seleccionado</source>
        <translation>Open a new request for the selected patient</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="462"/>
        <source>Búsqueda: «{text}»</source>
        <translation>Search: “{text}”</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="468"/>
        <source>Tipo de cliente</source>
        <translation>Customer type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="469"/>
        <source>Género</source>
        <translation>Gender</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="470"/>
        <source>Departamento</source>
        <translation>Department</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/customers_window.py" line="471"/>
        <source>Municipio</source>
        <translation>Municipality</translation>
    </message>
</context>
<context>
    <name>customers.import_area</name>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_area.py" line="27"/>
        <source>&amp;Importar pacientes (CSV)…</source>
        <translation>&amp;Import patients (CSV)…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_area.py" line="34"/>
        <source>&amp;Pacientes (CSV)…</source>
        <translation>&amp;Patients (CSV)…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_area.py" line="63"/>
        <source>Importar pacientes desde CSV</source>
        <translation>Import patients from CSV</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_area.py" line="86"/>
        <source>Exportar pacientes a CSV</source>
        <translation>Export patients to CSV</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_area.py" line="88"/>
        <source>Archivos CSV (*.csv)</source>
        <translation>CSV files (*.csv)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_area.py" line="97"/>
        <source>Exportar pacientes</source>
        <translation>Export patients</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_area.py" line="101"/>
        <source>Exportando pacientes</source>
        <translation>Exporting patients</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_area.py" line="105"/>
        <source>Se exportó 1 {noun} a:
{path}</source>
        <translation>1 {noun} exported to:
{path}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_area.py" line="109"/>
        <source>paciente</source>
        <translation>patient</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_area.py" line="110"/>
        <source>pacientes</source>
        <translation>patients</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_area.py" line="103"/>
        <source>Exportación terminada</source>
        <translation>Export finished</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_area.py" line="106"/>
        <source>Se exportaron {count:,} {noun} a:
{path}</source>
        <translation>{count:,} {noun} exported to:
{path}</translation>
    </message>
</context>
<context>
    <name>customers.import_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="41"/>
        <source>Archivos CSV (*.csv *.txt);;Todos los archivos (*)</source>
        <translation>CSV files (*.csv *.txt);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="46"/>
        <source>Nuevo</source>
        <translation>New</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="47"/>
        <source>Actualizar</source>
        <translation>Update</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="48"/>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="91"/>
        <source>Sin cambios</source>
        <translation>No changes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="49"/>
        <source>Rechazado</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="89"/>
        <source>Cambia: </source>
        <translation>Changes: </translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="95"/>
        <source>Incompleto; faltan: </source>
        <translation>Incomplete; missing: </translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="109"/>
        <source>Línea</source>
        <translation>Line</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="110"/>
        <source>Resultado</source>
        <translation>Result</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="111"/>
        <source>Nombre</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="112"/>
        <source>Teléfono</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="113"/>
        <source>Correo</source>
        <translation>Email</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="114"/>
        <source>Identidad</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="115"/>
        <source>Detalle</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="205"/>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="306"/>
        <source>Importar pacientes desde CSV</source>
        <translation>Import patients from CSV</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="214"/>
        <source>Elija un archivo CSV…</source>
        <translation>Choose a CSV file…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="218"/>
        <source>&amp;Elegir archivo…</source>
        <translation>&amp;Choose file…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="230"/>
        <source>Columnas aceptadas (mayúsculas y acentos no importan): nombre, teléfono (obligatorias), correo, identidad/DNI/RTN, tipo, género, edad, fecha de nacimiento, departamento, municipio, dirección, notas. Máximo 5 MB.</source>
        <translation>Accepted columns (Spanish headers; case and accents do not matter): nombre, teléfono (required), correo, identidad/DNI/RTN, tipo, género, edad, fecha de nacimiento, departamento, municipio, dirección, notas. 5 MB at most.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="276"/>
        <source>&amp;Importar</source>
        <translation>&amp;Import</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="283"/>
        <source>Cancelar</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="291"/>
        <source>Archivo:</source>
        <translation>File:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="318"/>
        <source>Analizar el archivo</source>
        <translation>Analyse the file</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="321"/>
        <source>Leyendo y validando el archivo</source>
        <translation>Reading and validating the file</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="327"/>
        <source>&lt;span style=&apos;color:{reject}&apos;&gt;No se puede importar este archivo (vea el mensaje).&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:{reject}&apos;&gt;This file cannot be imported (see the message).&lt;/span&gt;</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="355"/>
        <source>Codificación: {encoding}</source>
        <translation>Encoding: {encoding}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="358"/>
        <source>separador: «{delimiter}»</source>
        <translation>separator: “{delimiter}”</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="361"/>
        <source>{total} filas de datos</source>
        <translation>{total} data rows</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="365"/>
        <source>columnas ignoradas: </source>
        <translation>ignored columns: </translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="381"/>
        <source>&lt;b style=&apos;color:{create}&apos;&gt;{len} nuevos&lt;/b&gt;</source>
        <translation>&lt;b style=&apos;color:{create}&apos;&gt;{len} new&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="384"/>
        <source>&lt;b style=&apos;color:{update}&apos;&gt;{len} actualizaciones&lt;/b&gt;</source>
        <translation>&lt;b style=&apos;color:{update}&apos;&gt;{len} updates&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="388"/>
        <source> ({unchanged_count} sin cambios)</source>
        <translation> ({unchanged_count} unchanged)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="394"/>
        <source>&lt;b style=&apos;color:{reject}&apos;&gt;{len} rechazados&lt;/b&gt;</source>
        <translation>&lt;b style=&apos;color:{reject}&apos;&gt;{len} rejected&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="414"/>
        <source>&lt;span style=&apos;color:{INCOMPLETE_COLOR}&apos;&gt;{incomplete_count} quedarán incompletos (faltan datos de registro)&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:{INCOMPLETE_COLOR}&apos;&gt;{incomplete_count} will be incomplete (registration details missing)&lt;/span&gt;</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="423"/>
        <source>&lt;br&gt;Las filas rechazadas no se importan; corrija el archivo si las necesita.</source>
        <translation>&lt;br&gt;Rejected rows are not imported; correct the file if you need them.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="444"/>
        <source>&lt;b&gt;Línea {line}&lt;/b&gt; — {v}: &lt;span style=&apos;color:{color}&apos;&gt;{status}&lt;/span&gt;</source>
        <translation>&lt;b&gt;Line {line}&lt;/b&gt; — {v}: &lt;span style=&apos;color:{color}&apos;&gt;{status}&lt;/span&gt;</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="454"/>
        <source>Todas</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="455"/>
        <source>Nuevos</source>
        <translation>New</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="456"/>
        <source>Actualizaciones</source>
        <translation>Updates</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="457"/>
        <source>Rechazados</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="481"/>
        <source>Importar pacientes</source>
        <translation>Import patients</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="485"/>
        <source>{len} filas rechazadas no se importarán. ¿Importar las demás?</source>
        <translation>{len} rejected rows will not be imported. Import the others?</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="496"/>
        <source>Guardando pacientes</source>
        <translation>Saving patients</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="502"/>
        <source>Importación cancelada</source>
        <translation>Import cancelled</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="503"/>
        <source>Se canceló la importación: no se guardó ningún cambio.</source>
        <translation>The import was cancelled: no change was saved.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="513"/>
        <source>Nuevos: {created}</source>
        <translation>New: {created}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="516"/>
        <source>Actualizados: {updated}</source>
        <translation>Updated: {updated}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="523"/>
        <source>Sin cambios: {unchanged}</source>
        <translation>Unchanged: {unchanged}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="529"/>
        <source>Rechazados (no importados): {rejected}</source>
        <translation>Rejected (not imported): {rejected}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="535"/>
        <source>Incompletos: {incomplete} — complételos cuando vengan (filtro «Incompletos» de la lista de clientes).</source>
        <translation>Incomplete: {incomplete} — complete them when they come in (the “Incomplete only” filter of the customer list).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="543"/>
        <source>Importación terminada</source>
        <translation>Import finished</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="50"/>
        <source>Unida a otra línea</source>
        <translation>Merged into another line</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="83"/>
        <source>Misma persona en las líneas {lines}</source>
        <translation>Same person on lines {lines}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="401"/>
        <source>{len} líneas repetidas unidas a su primera línea</source>
        <translation>{len} repeated lines merged into their first line</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/customers/import_dialog.py" line="407"/>
        <source>{len} nuevos con el teléfono de otro paciente (¿familiares?)</source>
        <translation>{len} new with another patient’s phone (family?)</translation>
    </message>
</context>
<context>
    <name>db.database</name>
    <message>
        <location filename="../../patolab_desktop/db/database.py" line="197"/>
        <source>Se perdió la conexión con el servidor de la base de datos. Revise la red y que el servidor esté encendido, y vuelva a intentarlo: esta acción no guardó nada.</source>
        <translation>The connection to the database server was lost. Check the network and that the server is on, and try again: this action saved nothing.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/targets.py" line="25"/>
        <source>El puerto de la URL no es válido: {port!r}. Use un número entre 1 y 65535, p. ej. postgresql://usuario@servidor:5432/base</source>
        <translation>The port in the URL is not valid: {port!r}. Use a number from 1 to 65535, e.g. postgresql://user@server:5432/database</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/targets.py" line="54"/>
        <source>La URL de PostgreSQL no es válida: {error}</source>
        <translation>The PostgreSQL URL is not valid: {error}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/targets.py" line="59"/>
        <source>Falta el nombre de la base de datos en la URL: postgresql://usuario@servidor:5432/base</source>
        <translation>The database name is missing from the URL: postgresql://user@server:5432/database</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/database.py" line="237"/>
        <source>La ruta de la base de datos no es válida.</source>
        <translation>The database path is not valid.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/database.py" line="254"/>
        <source>No se reconoce {target}: use la ruta de un archivo SQLite o una URL postgresql://usuario@servidor:5432/base</source>
        <translation>{target} is not recognised: use the path of an SQLite file or a URL postgresql://user@server:5432/database</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/sqlite_file.py" line="61"/>
        <source>La carpeta de la base de datos no existe: {folder}</source>
        <translation>The database folder does not exist: {folder}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/sqlite_file.py" line="67"/>
        <source>{path} es una carpeta, no un archivo de base de datos.</source>
        <translation>{path} is a folder, not a database file.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/sqlite_file.py" line="73"/>
        <source>La base de datos {path} no existe. Revise la ruta (no se creó ningún archivo).</source>
        <translation>The database {path} does not exist. Check the path (no file was created).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/sqlite_file.py" line="80"/>
        <source>El archivo {path} no es una base de datos de PatoLab (SQLite).</source>
        <translation>The file {path} is not a PatoLab (SQLite) database.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/targets.py" line="89"/>
        <source>No se pudo abrir la base de datos {target}: {error}</source>
        <translation>Could not open the database {target}: {error}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/errors.py" line="47"/>
        <source>el archivo de la base de datos ({path}) ya no está donde se abrió: alguien lo borró, lo movió o lo reemplazó. Deje de registrar datos y llame al administrador antes de cerrar el programa.</source>
        <translation>the database file ({path}) is no longer where it was opened: someone deleted, moved or replaced it. Stop entering data and call the administrator before closing the program.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/errors.py" line="97"/>
        <source>la base de datos está ocupada por otro programa o computadora (bloqueada). Espere a que termine, o cierre los demás programas que la usan, y vuelva a intentarlo.</source>
        <translation>the database is busy with another program or computer (locked). Wait for it to finish, or close the other programs using it, and try again.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/errors.py" line="106"/>
        <source>no queda espacio en el disco de la base de datos. Libere espacio en ese disco (o pida ayuda al administrador) y vuelva a intentarlo.</source>
        <translation>there is no space left on the database&apos;s disk. Free space on that disk (or ask the administrator for help) and try again.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/errors.py" line="114"/>
        <source>no se puede escribir en la base de datos: el archivo o su carpeta son de solo lectura, o esta cuenta no tiene permiso para modificarlos. Pida al administrador que lo revise.</source>
        <translation>the database cannot be written: the file or its folder is read-only, or this account may not change them. Ask the administrator to check it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/errors.py" line="145"/>
        <source>el servidor pide una contraseña y no se dio ninguna. Guárdela en Archivo → Conexión a base de datos… (queda en el almacén de contraseñas del sistema), o póngala en la variable PGPASSWORD o en el archivo .pgpass, y vuelva a intentarlo; nunca en la línea de comandos.</source>
        <translation>the server asks for a password and none was given. Save it in File → Database connection… (it is kept in the system&apos;s password store), or put it in the PGPASSWORD variable or the .pgpass file, and try again; never on the command line.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/errors.py" line="153"/>
        <source>el servidor rechazó el usuario o la contraseña. Revise el usuario de la URL y la contraseña guardada (Archivo → Conexión a base de datos…, la variable PGPASSWORD o el archivo .pgpass) y vuelva a intentarlo.</source>
        <translation>the server refused the user or the password. Check the user in the URL and the saved password (File → Database connection…, the PGPASSWORD variable or the .pgpass file) and try again.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/errors.py" line="160"/>
        <source>ese usuario no existe en el servidor. Revise el usuario de la URL o pida al administrador del servidor que lo cree.</source>
        <translation>that user does not exist on the server. Check the user in the URL or ask the server&apos;s administrator to create it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/errors.py" line="166"/>
        <source>esa base de datos no existe en el servidor. Revise su nombre en la URL o pida al administrador del servidor que la cree.</source>
        <translation>that database does not exist on the server. Check its name in the URL or ask the server&apos;s administrator to create it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/errors.py" line="172"/>
        <source>el servidor no acepta conexiones de esta computadora con ese usuario y esa base (pg_hba.conf). Pida al administrador del servidor que la permita.</source>
        <translation>the server does not accept connections from this computer with that user and database (pg_hba.conf). Ask the server&apos;s administrator to allow it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/errors.py" line="186"/>
        <source>no se encontró el servidor por su nombre. Revise el nombre del servidor en la URL (o use su dirección IP) y la conexión a la red.</source>
        <translation>the server was not found by its name. Check the server name in the URL (or use its IP address) and the network connection.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/errors.py" line="205"/>
        <source>no se pudo conectar con el servidor. Revise que PostgreSQL esté encendido en esa computadora, que el servidor y el puerto de la URL sean los correctos y que la red llegue a él (cable, Wi-Fi, cortafuegos), y vuelva a intentarlo.</source>
        <translation>could not connect to the server. Check that PostgreSQL is running on that computer, that the server and port in the URL are right and that the network reaches it (cable, Wi-Fi, firewall), and try again.</translation>
    </message>
</context>
<context>
    <name>db.location</name>
    <message>
        <location filename="../../patolab_desktop/db/location.py" line="256"/>
        <location filename="../../patolab_desktop/db/location.py" line="266"/>
        <source>ruta de red {path}</source>
        <translation>network path {path}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/location.py" line="263"/>
        <source>unidad de red {drive}</source>
        <translation>network drive {drive}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/location.py" line="273"/>
        <source>{fs} {source} montado en {point}</source>
        <translation>{fs} {source} mounted on {point}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/location.py" line="280"/>
        <source>La base de datos {path} está en una carpeta de red ({share}). Un archivo SQLite en una carpeta compartida se puede dañar cuando varias computadoras lo usan a la vez. Copie el archivo a un disco local de esta computadora, o, para trabajar desde varias computadoras, use un servidor PostgreSQL (Archivo → Conexión a base de datos…, o --db postgresql://usuario:clave@servidor:5432/base).</source>
        <translation>The database {path} is in a network folder ({share}). An SQLite file in a shared folder can be damaged when several computers use it at the same time. Copy the file to a local disk of this computer or, to work from several computers, use a PostgreSQL server (File → Database connection…, or --db postgresql://user:password@server:5432/database).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/location.py" line="292"/>
        <source>La base de datos {path} está en una carpeta sincronizada con la nube ({service}). El programa de sincronización copia el archivo SQLite mientras se escribe y lo puede dañar o reemplazar por una copia en conflicto. Guarde la base de datos en una carpeta local que no se sincronice (las copias de seguridad sí pueden ir a la nube), o, para trabajar desde varias computadoras, use un servidor PostgreSQL (Archivo → Conexión a base de datos…, o --db postgresql://usuario@servidor:5432/base).</source>
        <translation>The database {path} is in a cloud-synced folder ({service}). The sync program copies the SQLite file while it is being written and can damage it or replace it with a conflicted copy. Keep the database in a local folder that is not synced (backups may go to the cloud), or, to work from several computers, use a PostgreSQL server (File → Database connection…, or --db postgresql://user@server:5432/database).</translation>
    </message>
</context>
<context>
    <name>db.migrations</name>
    <message>
        <location filename="../../patolab_desktop/db/migrations/__init__.py" line="188"/>
        <source>La base de datos es de una versión más nueva ({version}) que esta aplicación ({supported}). Actualice PatoLab Desktop.</source>
        <translation>The database is from a newer version ({version}) than this application ({supported}). Update PatoLab Desktop.</translation>
    </message>
</context>
<context>
    <name>db.moved</name>
    <message>
        <location filename="../../patolab_desktop/db/moved.py" line="60"/>
        <source>Los datos de esta base de datos se trasladaron a {target}{when}. Ya no se guarda nada aquí: los números de solicitud y de factura continúan en la nueva base de datos. Use la nueva en esta computadora (Archivo → Conexión a base de datos…, o --db {target} en la línea de órdenes).</source>
        <translation>The data of this database were moved to {target}{when}. Nothing is saved here any more: request and invoice numbers continue in the new database. Use the new one on this computer (File → Database connection…, or --db {target} on the command line).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/db/moved.py" line="69"/>
        <source> el {date}</source>
        <translation> on {date}</translation>
    </message>
</context>
<context>
    <name>db.opening</name>
    <message>
        <location filename="../../patolab_desktop/db/opening.py" line="120"/>
        <source>El servidor es PostgreSQL {found}; PatoLab necesita PostgreSQL {needed} o más nuevo. Actualice el servidor o use otro.</source>
        <translation>The server is PostgreSQL {found}; PatoLab needs PostgreSQL {needed} or newer. Upgrade the server or use another one.</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <location filename="../../patolab_desktop/ui/errors.py" line="99"/>
        <source>Error inesperado</source>
        <translation>Unexpected error</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/errors.py" line="100"/>
        <source>Ocurrió un error inesperado. No se guardó ningún cambio a medias; la pantalla se volverá a cargar desde la base de datos.

{text}

El detalle quedó en el registro: {log_file}</source>
        <translation>An unexpected error occurred. No half-done change was saved; the screen will be reloaded from the database.

{text}

The details are in the log: {log_file}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/errors.py" line="112"/>
        <source>Sin conexión con la base de datos</source>
        <translation>No connection to the database</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/errors.py" line="118"/>
        <source>La base de datos no aceptó la operación</source>
        <translation>The database did not accept the operation</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/errors.py" line="119"/>
        <source>No se guardó nada: {text}

El detalle quedó en el registro: {log_file}</source>
        <translation>Nothing was saved: {text}

The details are in the log: {log_file}</translation>
    </message>
</context>
<context>
    <name>help_dialogs</name>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="24"/>
        <source>&lt;h2&gt;Guía rápida de recepción&lt;/h2&gt;&lt;ol&gt;&lt;li&gt;&lt;b&gt;Buscar o registrar al paciente.&lt;/b&gt; En la pestaña &lt;i&gt;Clientes&lt;/i&gt; escriba el nombre, el teléfono o la identidad: la lista se filtra al escribir. Si no está, &lt;b&gt;Ctrl+N&lt;/b&gt; abre el registro; &lt;b&gt;Intro&lt;/b&gt; guarda y &lt;b&gt;Esc&lt;/b&gt; cancela.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Corregir un dato.&lt;/b&gt; Elija al paciente con las flechas y pulse &lt;b&gt;Intro&lt;/b&gt; o &lt;b&gt;F2&lt;/b&gt;. Si no ve la identidad completa, déjela como está: se conserva.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Nueva solicitud.&lt;/b&gt; En la pestaña &lt;i&gt;Solicitudes&lt;/i&gt;, &lt;b&gt;Ctrl+N&lt;/b&gt;. Escriba el paciente, el médico y cada investigación y elija con &lt;b&gt;Intro&lt;/b&gt;; un perfil agrega sus investigaciones. El total y los descuentos por edad se calculan solos. &lt;b&gt;Ctrl+S&lt;/b&gt; guarda.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Imprimir.&lt;/b&gt; Tras guardar: &lt;b&gt;Ctrl+P&lt;/b&gt; resumen para el paciente, &lt;b&gt;Ctrl+E&lt;/b&gt; etiquetas de tubos. Desde la vista previa puede imprimir o guardar en PDF.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Agregar, quitar o cancelar.&lt;/b&gt; Abra la solicitud desde la lista (&lt;b&gt;Intro&lt;/b&gt;): &lt;i&gt;Agregar investigación&lt;/i&gt;, &lt;i&gt;Quitar investigación&lt;/i&gt; o &lt;i&gt;Cancelar solicitud&lt;/i&gt; con su motivo. Las completadas y canceladas no se modifican.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Al levantarse del puesto.&lt;/b&gt; &lt;b&gt;Ctrl+L&lt;/b&gt; bloquea la pantalla; se desbloquea con su contraseña.&lt;/li&gt;&lt;/ol&gt;&lt;p&gt;Lo que su rol no puede hacer aparece desactivado o con un mensaje que lo explica. Cada acción queda en la auditoría con su nombre.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;Front desk quick guide&lt;/h2&gt;&lt;ol&gt;&lt;li&gt;&lt;b&gt;Find or register the patient.&lt;/b&gt; In the &lt;i&gt;Customers&lt;/i&gt; tab type the name, phone or ID: the list filters as you type. If she is not there, &lt;b&gt;Ctrl+N&lt;/b&gt; opens the form; &lt;b&gt;Enter&lt;/b&gt; saves and &lt;b&gt;Esc&lt;/b&gt; cancels.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Correct a detail.&lt;/b&gt; Choose the patient with the arrow keys and press &lt;b&gt;Enter&lt;/b&gt; or &lt;b&gt;F2&lt;/b&gt;. If you cannot see the full ID number, leave it as it is: it is kept.&lt;/li&gt;&lt;li&gt;&lt;b&gt;New request.&lt;/b&gt; In the &lt;i&gt;Requests&lt;/i&gt; tab, &lt;b&gt;Ctrl+N&lt;/b&gt;. Type the patient, the doctor and each test and choose with &lt;b&gt;Enter&lt;/b&gt;; a profile adds its tests. The total and the age discounts are calculated for you. &lt;b&gt;Ctrl+S&lt;/b&gt; saves.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Print.&lt;/b&gt; After saving: &lt;b&gt;Ctrl+P&lt;/b&gt; summary for the patient, &lt;b&gt;Ctrl+E&lt;/b&gt; tube labels. From the preview you can print or save as PDF.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Add, remove or cancel.&lt;/b&gt; Open the request from the list (&lt;b&gt;Enter&lt;/b&gt;): &lt;i&gt;Add test&lt;/i&gt;, &lt;i&gt;Remove test&lt;/i&gt; or &lt;i&gt;Cancel request&lt;/i&gt; with its reason. Completed and cancelled requests cannot be changed.&lt;/li&gt;&lt;li&gt;&lt;b&gt;When you leave the desk.&lt;/b&gt; &lt;b&gt;Ctrl+L&lt;/b&gt; locks the screen; your password unlocks it.&lt;/li&gt;&lt;/ol&gt;&lt;p&gt;What your role cannot do is disabled or answered with a message that explains why. Every action is recorded in the audit log under your name.&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="51"/>
        <source>Ir al cuadro de búsqueda</source>
        <translation>Go to the search box</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="54"/>
        <source>Nuevo en la pestaña actual: cliente, solicitud, remitente o investigación</source>
        <translation>New in the current tab: customer, request, referrer or test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="59"/>
        <source>Abrir o editar la fila elegida; elegir</source>
        <translation>Open or edit the selected row; choose</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="62"/>
        <source>Editar la fila elegida; en la solicitud, paciente nuevo</source>
        <translation>Edit the selected row; in a request, new patient</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="66"/>
        <source>En la solicitud, médico o institución nuevo</source>
        <translation>In the request, new doctor or institution</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="67"/>
        <source>Guardar (también Ctrl+Intro)</source>
        <translation>Save (also Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="68"/>
        <source>Cancelar o cerrar sin guardar</source>
        <translation>Cancel or close without saving</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="69"/>
        <source>Desactivar la fila elegida o quitar la línea</source>
        <translation>Deactivate the selected row or remove the line</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="70"/>
        <source>Resumen de la solicitud (vista previa)</source>
        <translation>Request summary (preview)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="71"/>
        <source>Etiquetas de tubos de la solicitud</source>
        <translation>Tube labels of the request</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="72"/>
        <source>Volver a leer la lista</source>
        <translation>Read the list again</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="75"/>
        <source>Primera / última fila de toda la lista</source>
        <translation>First / last row of the whole list</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="79"/>
        <source>Intro</source>
        <translation>Enter</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="80"/>
        <source>Supr</source>
        <translation>Del</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="89"/>
        <source>Ctrl+Inicio / Ctrl+Fin</source>
        <translation>Ctrl+Home / Ctrl+End</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="130"/>
        <source>&amp;Cerrar</source>
        <translation>&amp;Close</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="138"/>
        <source>Guía rápida</source>
        <translation>Quick guide</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="149"/>
        <source>Atajos de teclado</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="154"/>
        <source>Teclas</source>
        <translation>Keys</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/help_dialogs.py" line="154"/>
        <source>Qué hace</source>
        <translation>What it does</translation>
    </message>
</context>
<context>
    <name>main_window</name>
    <message>
        <location filename="../../patolab_desktop/ui/main_window.py" line="19"/>
        <source>&amp;Archivo</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/main_window.py" line="20"/>
        <source>&amp;Pacientes/Clientes</source>
        <translation>&amp;Patients/Customers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/main_window.py" line="21"/>
        <source>&amp;Solicitudes</source>
        <translation>&amp;Requests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/main_window.py" line="22"/>
        <source>&amp;Remitentes</source>
        <translation>Referrer&amp;s</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/main_window.py" line="23"/>
        <source>&amp;Catálogo</source>
        <translation>&amp;Catalogue</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/main_window.py" line="26"/>
        <source>&amp;Exportar</source>
        <translation>&amp;Export</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/main_window.py" line="27"/>
        <source>A&amp;yuda</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/main_window.py" line="264"/>
        <source>&amp;Salir</source>
        <translation>E&amp;xit</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/main_window.py" line="271"/>
        <source>&amp;Guía rápida</source>
        <translation>&amp;Quick guide</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/main_window.py" line="277"/>
        <source>A&amp;tajos de teclado</source>
        <translation>&amp;Keyboard shortcuts</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/main_window.py" line="280"/>
        <source>&amp;Acerca de PatoLab Desktop</source>
        <translation>&amp;About PatoLab Desktop</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/main_window.py" line="301"/>
        <source>Acerca de</source>
        <translation>About</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/main_window.py" line="298"/>
        <source>{APP_NAME} {version}
Recepción de laboratorio clínico y de patología.</source>
        <translation>{APP_NAME} {version}
Front desk for clinical and pathology laboratories.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/main_window.py" line="24"/>
        <source>&amp;Facturación</source>
        <translation>&amp;Billing</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/main_window.py" line="25"/>
        <source>Ca&amp;ja</source>
        <translation>C&amp;ash</translation>
    </message>
</context>
<context>
    <name>notify.area</name>
    <message>
        <location filename="../../patolab_desktop/ui/notify/area.py" line="28"/>
        <source>Cola de &amp;WhatsApp…</source>
        <translation>WhatsApp &amp;queue…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/area.py" line="34"/>
        <source>Configuración de W&amp;hatsApp…</source>
        <translation>WhatsApp settin&amp;gs…</translation>
    </message>
</context>
<context>
    <name>notify.messages</name>
    <message>
        <location filename="../../patolab_desktop/ui/notify/messages_dialog.py" line="15"/>
        <location filename="../../patolab_desktop/ui/notify/messages_panel.py" line="120"/>
        <source>Mensajes de WhatsApp</source>
        <translation>WhatsApp messages</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/messages_panel.py" line="21"/>
        <source>Fecha</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/messages_panel.py" line="22"/>
        <source>Aviso</source>
        <translation>Notice</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/messages_panel.py" line="23"/>
        <source>Teléfono</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/messages_panel.py" line="24"/>
        <source>Estado</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/messages_panel.py" line="27"/>
        <source>Motivo</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/messages_panel.py" line="30"/>
        <source>Aceptado</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/messages_panel.py" line="77"/>
        <source>«Aceptado por WhatsApp» no confirma la entrega: sin servidor público la aplicación no la puede saber.</source>
        <translation>&quot;Accepted by WhatsApp&quot; does not confirm delivery: without a public server the application cannot know it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/messages_panel.py" line="85"/>
        <source>&amp;Reintentar</source>
        <translation>&amp;Retry</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/messages_panel.py" line="86"/>
        <source>Ca&amp;ncelar envío</source>
        <translation>Ca&amp;ncel sending</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/messages_panel.py" line="87"/>
        <source>Abrir en &amp;WhatsApp</source>
        <translation>Open in &amp;WhatsApp</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/messages_panel.py" line="88"/>
        <source>Abre el chat con el texto escrito (wa.me); usted pulsa enviar. Sirve sin cuenta de la API. Un aviso que no salió (en cola, fallido, vencido o cancelado) queda «Enviado a mano» y la aplicación ya no lo envía.</source>
        <translation>Opens the chat with the text written (wa.me); you press send. Works without an API account. A notice that did not go out (queued, failed, expired or cancelled) becomes “Sent by hand” and the application no longer sends it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/messages_panel.py" line="133"/>
        <source>Este aviso ya salió: antes de abrirlo otra vez se le pedirá confirmar, porque el paciente lo recibiría dos veces.</source>
        <translation>This notice has already gone out: before opening it again you will be asked to confirm, because the patient would receive it twice.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/messages_panel.py" line="159"/>
        <source>Este aviso ya salió («{status}»). Si abre el chat y lo envía, el paciente lo recibirá dos veces.

¿Abrirlo de todos modos?</source>
        <translation>This notice has already gone out (“{status}”). If you open the chat and send it, the patient will receive it twice.

Open it anyway?</translation>
    </message>
</context>
<context>
    <name>notify.outbox_window</name>
    <message>
        <location filename="../../patolab_desktop/ui/notify/outbox_window.py" line="34"/>
        <location filename="../../patolab_desktop/ui/notify/outbox_window.py" line="133"/>
        <source>Cola de WhatsApp</source>
        <translation>WhatsApp queue</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/outbox_window.py" line="41"/>
        <source>Reanudar el envío</source>
        <translation>Resume sending</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/outbox_window.py" line="47"/>
        <source>Todos los estados</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/outbox_window.py" line="53"/>
        <source>Todos los avisos</source>
        <translation>All notices</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/outbox_window.py" line="56"/>
        <source>&amp;Estado</source>
        <translation>&amp;Status</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/outbox_window.py" line="58"/>
        <source>&amp;Aviso</source>
        <translation>&amp;Notice</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/outbox_window.py" line="75"/>
        <source>&amp;Reintentar</source>
        <translation>&amp;Retry</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/outbox_window.py" line="78"/>
        <source>Ca&amp;ncelar envío</source>
        <translation>Ca&amp;ncel sending</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/outbox_window.py" line="82"/>
        <source>Ac&amp;tualizar</source>
        <translation>Refre&amp;sh</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/outbox_window.py" line="85"/>
        <source>C&amp;errar</source>
        <translation>C&amp;lose</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/outbox_window.py" line="102"/>
        <source>Envío por WhatsApp DETENIDO desde {at}: {reason} Corrija la configuración y pulse Reanudar.</source>
        <translation>WhatsApp sending STOPPED since {at}: {reason} Fix the settings and press Resume.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/outbox_window.py" line="110"/>
        <source>Ninguna computadora está enviando los mensajes en cola (uno espera desde hace más de {minutes} minutos) y esta no tiene la clave de acceso de WhatsApp. Escríbala en Archivo › Configuración de WhatsApp y pulse Guardar, o abra PatoLab en la computadora que la tiene.</source>
        <translation>No computer is sending the queued messages (one has been waiting for more than {minutes} minutes) and this one does not have the WhatsApp access token. Type it in File › WhatsApp settings and press Save, or open PatoLab on the computer that has it.</translation>
    </message>
</context>
<context>
    <name>notify.settings_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="38"/>
        <source>Configuración de WhatsApp</source>
        <translation>WhatsApp settings</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="47"/>
        <source>Cuenta de WhatsApp Cloud API</source>
        <translation>WhatsApp Cloud API account</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="42"/>
        <source>Id. del &amp;número:</source>
        <translation>Phone &amp;number id:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="43"/>
        <source>Id. de la &amp;cuenta (WABA):</source>
        <translation>&amp;Account id (WABA):</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="44"/>
        <source>&amp;Versión de Graph:</source>
        <translation>Graph &amp;version:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="53"/>
        <source>Clave de &amp;acceso:</source>
        <translation>&amp;Access token:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="60"/>
        <source>Plantillas aprobadas (UTILITY) por aviso</source>
        <translation>Approved templates (UTILITY) per notice</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="65"/>
        <source>Aviso</source>
        <translation>Notice</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="66"/>
        <source>Plantilla</source>
        <translation>Template</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="67"/>
        <source>Idioma</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="68"/>
        <source>Enviar</source>
        <translation>Send</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="86"/>
        <source>Prueba</source>
        <translation>Test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="94"/>
        <source>Ce&amp;lular:</source>
        <translation>Mo&amp;bile:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="90"/>
        <source>Enviar &amp;prueba</source>
        <translation>Send &amp;test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="101"/>
        <source>&amp;Guardar</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="102"/>
        <source>C&amp;errar</source>
        <translation>C&amp;lose</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="116"/>
        <source>Guardada en el almacén de claves: {hint}</source>
        <translation>Stored in the credential store: {hint}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="120"/>
        <source>Sin clave guardada.</source>
        <translation>No token stored.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="124"/>
        <source>Escriba una nueva para cambiarla</source>
        <translation>Type a new one to change it</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="149"/>
        <source>Los demás datos se guardaron; la clave de acceso no: {reason}</source>
        <translation>The other settings were saved; the access token was not: {reason}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="166"/>
        <source>Mensaje de prueba en cola, pero el envío está detenido: no se enviará hasta que pulse «Reanudar el envío» en Archivo › Cola de WhatsApp.</source>
        <translation>Test message queued, but sending is stopped: it will not be sent until you press “Resume sending” in File › WhatsApp queue.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="172"/>
        <source>Mensaje de prueba en cola. Esta computadora no tiene la clave de acceso: lo enviará una computadora que la tenga; si ninguna la tiene, no se enviará.</source>
        <translation>Test message queued. This computer does not have the access token: a computer that has it will send it; if none has it, it will not be sent.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="182"/>
        <source>Enviar prueba</source>
        <translation>Send test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/settings_dialog.py" line="178"/>
        <source>Mensaje de prueba en cola; el envío automático lo manda en unos segundos.</source>
        <translation>Test message queued; the automatic sender sends it in a few seconds.</translation>
    </message>
</context>
<context>
    <name>notify.worker</name>
    <message>
        <location filename="../../patolab_desktop/ui/notify/worker.py" line="73"/>
        <source>WhatsApp: {count} en cola</source>
        <translation>WhatsApp: {count} queued</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/worker.py" line="76"/>
        <source> · DETENIDO</source>
        <translation> · STOPPED</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/worker.py" line="79"/>
        <source> · SIN CLAVE</source>
        <translation> · NO TOKEN</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/worker.py" line="81"/>
        <source>Ninguna computadora está enviando los avisos en cola (uno espera desde hace más de {minutes} minutos) y esta no tiene la clave de acceso de WhatsApp. Un administrador la escribe en Archivo › Configuración de WhatsApp, o abra PatoLab en la computadora que la tiene.</source>
        <translation>No computer is sending the queued notices (one has been waiting for more than {minutes} minutes) and this one does not have the WhatsApp access token. An administrator types it in File › WhatsApp settings, or open PatoLab on the computer that has it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/worker.py" line="91"/>
        <source> · 1 aviso falló</source>
        <translation> · 1 notice failed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/worker.py" line="93"/>
        <source> · {count} avisos fallaron</source>
        <translation> · {count} notices failed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/notify/worker.py" line="96"/>
        <source>Avisos que no llegaron al paciente: abra la solicitud para ver por qué; avísele de otro modo (resultados impresos o por correo) y pulse «Cancelar envío», o «Reintentar». Solicitudes: {numbers}</source>
        <translation>Notices that did not reach the patient: open the request to see why; tell the patient another way (printed results or e-mail) and press “Cancel sending”, or “Retry”. Requests: {numbers}</translation>
    </message>
</context>
<context>
    <name>nouns</name>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="183"/>
        <source>usuario</source>
        <translation>user</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/admin/users_window.py" line="184"/>
        <source>usuarios</source>
        <translation>users</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="192"/>
        <source>sucursal</source>
        <translation>branch</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/branches_dialog.py" line="193"/>
        <source>sucursales</source>
        <translation>branches</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="33"/>
        <source>tipo de remitente</source>
        <translation>referrer type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="34"/>
        <source>tipos de remitente</source>
        <translation>referrer types</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="80"/>
        <source>investigación</source>
        <translation>test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/catalog/catalog_window.py" line="81"/>
        <source>investigaciones</source>
        <translation>tests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_editor.py" line="77"/>
        <source>registro</source>
        <translation>record</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_editor.py" line="78"/>
        <source>registros</source>
        <translation>records</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrers_window.py" line="72"/>
        <source>remitente</source>
        <translation>referrer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrers_window.py" line="73"/>
        <source>remitentes</source>
        <translation>referrers</translation>
    </message>
</context>
<context>
    <name>printing.account_statement</name>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="37"/>
        <source>ESTADO DE CUENTA</source>
        <translation>STATEMENT OF ACCOUNT</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="41"/>
        <source>VENCIDA</source>
        <translation>OVERDUE</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="52"/>
        <source>Límite de crédito:</source>
        <translation>Credit limit:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="56"/>
        <source>Días de crédito:</source>
        <translation>Credit days:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="57"/>
        <source>{days} días</source>
        <translation>{days} days</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="62"/>
        <source>Fecha de impresión:</source>
        <translation>Printed on:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="104"/>
        <source>Sin facturas a crédito.</source>
        <translation>No credit invoices.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="112"/>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="130"/>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="127"/>
        <source>Número</source>
        <translation>Number</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="128"/>
        <source>Fecha</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="129"/>
        <source>Vence</source>
        <translation>Due</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="131"/>
        <source>Notas de crédito</source>
        <translation>Credit notes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="132"/>
        <source>Pagado</source>
        <translation>Paid</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="133"/>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="145"/>
        <source>Saldo</source>
        <translation>Balance</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="134"/>
        <source>Días vencida</source>
        <translation>Days overdue</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="149"/>
        <source>Vencido</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="151"/>
        <source>Disponible</source>
        <translation>Available</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="181"/>
        <source>{title} — {customer} (continuación)</source>
        <translation>{title} — {customer} (continued)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="200"/>
        <source>Facturas al crédito</source>
        <translation>Credit invoices</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="205"/>
        <source>Las facturas vencidas van en negrita, sombreadas y marcadas «{mark}». Montos en lempiras.</source>
        <translation>Overdue invoices are bold, shaded and marked “{mark}”. Amounts in lempiras.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/account_statement.py" line="217"/>
        <source>El estado de cuenta se imprime en Carta o A4.</source>
        <translation>The statement of account prints on Letter or A4.</translation>
    </message>
</context>
<context>
    <name>printing.actions</name>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="363"/>
        <source>Se guardaron las etiquetas en:
{path}</source>
        <translation>The labels were saved to:
{path}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="96"/>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="98"/>
        <source>Guardar como PDF…</source>
        <translation>Save as PDF…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="59"/>
        <source>No se pudo iniciar la impresión (¿impresora disponible?).</source>
        <translation>Printing could not start (is a printer available?).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="143"/>
        <source>Documento PDF (*.pdf)</source>
        <translation>PDF document (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="197"/>
        <source>No se puede imprimir la solicitud</source>
        <translation>The request cannot be printed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="212"/>
        <source>Resumen de solicitud {request_number}</source>
        <translation>Request summary {request_number}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="234"/>
        <source>Imprimir resumen {request_number}</source>
        <translation>Print summary {request_number}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="244"/>
        <source>No se pudo imprimir</source>
        <translation>Printing failed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="265"/>
        <source>Guardar resumen en PDF</source>
        <translation>Save summary as PDF</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="260"/>
        <source>Solicitud {request_number}.pdf</source>
        <translation>Request {request_number}.pdf</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="181"/>
        <source>No se pudo guardar el PDF</source>
        <translation>The PDF could not be saved</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="185"/>
        <source>PDF guardado</source>
        <translation>PDF saved</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="269"/>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="416"/>
        <source>Se guardó el resumen en:
{path}</source>
        <translation>The summary was saved to:
{path}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="306"/>
        <source>No se pueden imprimir las etiquetas</source>
        <translation>The labels cannot be printed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="320"/>
        <source>Imprimir etiquetas {number}</source>
        <translation>Print labels {number}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="325"/>
        <source>No se pudieron imprimir las etiquetas</source>
        <translation>The labels could not be printed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="342"/>
        <source>Etiquetas {number}</source>
        <translation>Labels {number}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="359"/>
        <source>Guardar etiquetas en PDF</source>
        <translation>Save labels as PDF</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="360"/>
        <source>Etiquetas {number}.pdf</source>
        <translation>Labels {number}.pdf</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="374"/>
        <source>No se puede preparar el resumen</source>
        <translation>The summary cannot be prepared</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="387"/>
        <source>Resumen por período {period_text}</source>
        <translation>Period summary {period_text}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="402"/>
        <source>Resumen {date_from:%Y-%m-%d} a {date_to:%Y-%m-%d}.pdf</source>
        <translation>Summary {date_from:%Y-%m-%d} to {date_to:%Y-%m-%d}.pdf</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/actions.py" line="408"/>
        <source>Guardar resumen por período en PDF</source>
        <translation>Save period summary as PDF</translation>
    </message>
</context>
<context>
    <name>printing.area</name>
    <message>
        <location filename="../../patolab_desktop/ui/printing/area.py" line="18"/>
        <source>Resumen por &amp;período…</source>
        <translation>&amp;Period summary…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/area.py" line="25"/>
        <source>&amp;Encabezado del laboratorio…</source>
        <translation>Laboratory &amp;header…</translation>
    </message>
</context>
<context>
    <name>printing.barcode</name>
    <message>
        <location filename="../../patolab_desktop/documents/barcode.py" line="29"/>
        <source>No hay texto para el código de barras.</source>
        <translation>There is no text for the barcode.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/barcode.py" line="35"/>
        <source>Falta la biblioteca python-barcode.</source>
        <translation>The python-barcode library is missing.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/barcode.py" line="41"/>
        <location filename="../../patolab_desktop/documents/barcode.py" line="47"/>
        <source>No se puede codificar «{text}» en Code 128.</source>
        <translation>“{text}” cannot be encoded in Code 128.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/barcode.py" line="92"/>
        <source>El espacio es demasiado estrecho para el código de barras.</source>
        <translation>The space is too narrow for the barcode.</translation>
    </message>
</context>
<context>
    <name>printing.lab_header_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="29"/>
        <source>A4 (210 × 297 mm)</source>
        <translation>A4 (210 × 297 mm)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="30"/>
        <source>Carta / Letter (216 × 279 mm)</source>
        <translation>Letter (216 × 279 mm)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="32"/>
        <source>Imágenes (*.png *.jpg *.jpeg *.bmp *.gif *.svg)</source>
        <translation>Images (*.png *.jpg *.jpeg *.bmp *.gif *.svg)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="44"/>
        <source>Encabezado del laboratorio</source>
        <translation>Laboratory header</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="50"/>
        <source>Encabezado de los documentos</source>
        <translation>Document header</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="60"/>
        <source>14 dígitos, p. ej. 08019012345678</source>
        <translation>14 digits, e.g. 08019012345678</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="63"/>
        <source>p. ej. +504 2550-1234</source>
        <translation>e.g. +504 2550-1234</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="66"/>
        <source>p. ej. info@laboratorio.hn</source>
        <translation>e.g. info@laboratorio.hn</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="69"/>
        <source>&amp;Nombre *:</source>
        <translation>&amp;Name *:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="70"/>
        <source>&amp;Dirección:</source>
        <translation>A&amp;ddress:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="71"/>
        <source>&amp;RTN:</source>
        <translation>&amp;RTN:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="72"/>
        <source>&amp;Teléfono:</source>
        <translation>P&amp;hone:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="73"/>
        <source>C&amp;orreo:</source>
        <translation>E&amp;mail:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="79"/>
        <source>Sin logotipo</source>
        <translation>No logo</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="81"/>
        <source>E&amp;xaminar…</source>
        <translation>&amp;Browse…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="84"/>
        <source>&amp;Quitar</source>
        <translation>Remo&amp;ve</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="95"/>
        <source>&amp;Logotipo:</source>
        <translation>&amp;Logo:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="104"/>
        <source>Impresión</source>
        <translation>Printing</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="111"/>
        <source>&amp;Papel:</source>
        <translation>&amp;Paper:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="127"/>
        <source>&amp;Etiqueta (ancho × alto):</source>
        <translation>Label (&amp;width × height):</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="136"/>
        <source>(una etiqueta por tipo de muestra de la solicitud)</source>
        <translation>(one label per sample type of the request)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="147"/>
        <source>&amp;Copias por etiqueta:</source>
        <translation>&amp;Copies per label:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="155"/>
        <source>&amp;Guardar</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="157"/>
        <source>C&amp;ancelar</source>
        <translation>C&amp;ancel</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="239"/>
        <source>(no se puede mostrar la imagen)</source>
        <translation>(the image cannot be shown)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="252"/>
        <source>Elegir logotipo</source>
        <translation>Choose logo</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="267"/>
        <source>Ancho de la etiqueta</source>
        <translation>Label width</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="268"/>
        <source>Alto de la etiqueta</source>
        <translation>Label height</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/lab_header_dialog.py" line="293"/>
        <source>No se pudo guardar</source>
        <translation>Could not save</translation>
    </message>
</context>
<context>
    <name>printing.layout</name>
    <message>
        <location filename="../../patolab_desktop/documents/paper.py" line="34"/>
        <source>Etiqueta</source>
        <translation>Label</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/page_frame.py" line="52"/>
        <source>Tel. {phone}</source>
        <translation>Tel. {phone}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/page_frame.py" line="90"/>
        <source>Página {v} de {count}</source>
        <translation>Page {v} of {count}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/pdf_output.py" line="184"/>
        <source>No se pudo escribir el PDF: {target}</source>
        <translation>The PDF could not be written: {target}</translation>
    </message>
</context>
<context>
    <name>printing.period_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/printing/period_dialog.py" line="47"/>
        <source>Resumen por período</source>
        <translation>Period summary</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/period_dialog.py" line="63"/>
        <source>&amp;Desde:</source>
        <translation>&amp;From:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/period_dialog.py" line="64"/>
        <source>&amp;Hasta:</source>
        <translation>&amp;To:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/period_dialog.py" line="66"/>
        <source>Todas las sucursales</source>
        <translation>All branches</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/period_dialog.py" line="69"/>
        <source>&amp;Sucursal:</source>
        <translation>&amp;Branch:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/period_dialog.py" line="74"/>
        <source>Ho&amp;y</source>
        <translation>To&amp;day</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/period_dialog.py" line="75"/>
        <source>&amp;Esta semana</source>
        <translation>This &amp;week</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/period_dialog.py" line="76"/>
        <source>Este &amp;mes</source>
        <translation>This &amp;month</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/period_dialog.py" line="77"/>
        <source>Mes a&amp;nterior</source>
        <translation>&amp;Last month</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/period_dialog.py" line="87"/>
        <source>&amp;Vista previa</source>
        <translation>Pre&amp;view</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/period_dialog.py" line="92"/>
        <source>Guardar &amp;PDF…</source>
        <translation>Save &amp;PDF…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/period_dialog.py" line="89"/>
        <source>&amp;Cerrar</source>
        <translation>&amp;Close</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/period_dialog.py" line="50"/>
        <source>Solicitudes por estado, prioridad, origen, sucursal y día, con montos y las canceladas con su motivo.</source>
        <translation>Requests by status, priority, origin, branch and day, with amounts, and the cancelled ones with their reason.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/printing/period_dialog.py" line="142"/>
        <source>La fecha final es anterior a la inicial.</source>
        <translation>The end date is before the start date.</translation>
    </message>
</context>
<context>
    <name>printing.period_report</name>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="46"/>
        <location filename="../../patolab_desktop/documents/period_report.py" line="84"/>
        <location filename="../../patolab_desktop/documents/period_report.py" line="266"/>
        <location filename="../../patolab_desktop/documents/period_report.py" line="290"/>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="47"/>
        <location filename="../../patolab_desktop/documents/period_report.py" line="267"/>
        <source>Descuento</source>
        <translation>Discount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="48"/>
        <location filename="../../patolab_desktop/documents/period_report.py" line="268"/>
        <location filename="../../patolab_desktop/documents/period_report.py" line="317"/>
        <source>Neto</source>
        <translation>Net</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="170"/>
        <source>{v} — {TITLE} {period_text} (continuación)</source>
        <translation>{v} — {TITLE} {period_text} (continued)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="187"/>
        <source>Del {period_text}</source>
        <translation>Period {period_text}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="199"/>
        <source>Resumen</source>
        <translation>Summary</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="265"/>
        <source>Canceladas</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="205"/>
        <source>Vigentes (sin canceladas)</source>
        <translation>Current (not cancelled)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="92"/>
        <location filename="../../patolab_desktop/documents/period_report.py" line="211"/>
        <source>Canceladas (aparte, no suman)</source>
        <translation>Cancelled (apart, not added)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="116"/>
        <source>ISV de lo gravado</source>
        <translation>ISV on taxed items</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="119"/>
        <source>Neto a pagar (con ISV)</source>
        <translation>Net to pay (with ISV)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="125"/>
        <source>Notas de crédito</source>
        <translation>Credit notes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="128"/>
        <source>Neto tras notas de crédito</source>
        <translation>Net after credit notes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="136"/>
        <source>De ello, sin facturar todavía</source>
        <translation>Of which, not invoiced yet</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="148"/>
        <source>«Neto a pagar» es lo que cobran las facturas emitidas (y, sin factura, lo que cobraría cada solicitud). Las tablas suman por solicitud antes de ISV; cada factura redondea su ISV una vez, por lo que pueden diferir en centavos.</source>
        <translation>“Net to pay” is what the issued invoices charge (and, without an invoice, what each request would charge). The tables add up by request before ISV; each invoice rounds its ISV once, so they may differ by centavos.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="155"/>
        <source>Una factura con solicitudes fuera del período cuenta aquí la parte de cada solicitud, que puede diferir en centavos de la factura.</source>
        <translation>An invoice with requests outside the period counts here each request&apos;s share, which may differ from the invoice by centavos.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="218"/>
        <source>Resumen del período</source>
        <translation>Period summary</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="225"/>
        <source>Por estado</source>
        <translation>By status</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="226"/>
        <source>Estado</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="233"/>
        <source>Por prioridad</source>
        <translation>By priority</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="234"/>
        <source>Prioridad</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="240"/>
        <source>Por origen</source>
        <translation>By source</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="241"/>
        <source>Origen</source>
        <translation>Source</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="248"/>
        <source>Por sucursal</source>
        <translation>By branch</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="249"/>
        <source>Sucursal</source>
        <translation>Branch</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="263"/>
        <source>Fecha</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="283"/>
        <source>Por día</source>
        <translation>By day</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="285"/>
        <source>No hay solicitudes en el período.</source>
        <translation>No requests in the period.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="313"/>
        <source>Número</source>
        <translation>Number</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="314"/>
        <source>Solicitada</source>
        <translation>Requested</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="315"/>
        <source>Paciente</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="316"/>
        <source>Motivo</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="319"/>
        <source>(sin motivo)</source>
        <translation>(no reason)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="337"/>
        <source>Solicitudes canceladas ({len:,})</source>
        <translation>Cancelled requests ({len:,})</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="308"/>
        <source>Solicitudes canceladas</source>
        <translation>Cancelled requests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="23"/>
        <source>Resumen por período</source>
        <translation>Period summary</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="31"/>
        <source>{start} al {end}</source>
        <translation>{start} to {end}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="39"/>
        <source>Todas las sucursales</source>
        <translation>All branches</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="45"/>
        <location filename="../../patolab_desktop/documents/period_report.py" line="264"/>
        <source>Solicitudes</source>
        <translation>Requests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="309"/>
        <source>Ninguna solicitud cancelada en el período.</source>
        <translation>No requests cancelled in the period.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/period_report.py" line="358"/>
        <source>Impreso por {who} el {v}</source>
        <translation>Printed by {who} on {v}</translation>
    </message>
</context>
<context>
    <name>printing.request_summary</name>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="100"/>
        <source>{v} — {TITLE} {number} (continuación)</source>
        <translation>{v} — {TITLE} {number} (continued)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="66"/>
        <source>Paciente</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="31"/>
        <source>Resumen de solicitud</source>
        <translation>Request summary</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="41"/>
        <source>por edad {percent} %</source>
        <translation>age-based {percent} %</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="42"/>
        <source>manual {percent} %</source>
        <translation>manual {percent} %</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="47"/>
        <source>Código</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="48"/>
        <source>Investigación</source>
        <translation>Test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="49"/>
        <source>Muestra</source>
        <translation>Sample</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="50"/>
        <source>Precio</source>
        <translation>Price</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="52"/>
        <source>Neto</source>
        <translation>Net</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="67"/>
        <source>Identidad</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="69"/>
        <source>Edad</source>
        <translation>Age</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="73"/>
        <source>Sexo</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="74"/>
        <source>Remitente</source>
        <translation>Referrer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="75"/>
        <source>Sucursal</source>
        <translation>Branch</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="77"/>
        <source>Prioridad</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="80"/>
        <source>Origen</source>
        <translation>Source</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="82"/>
        <source>Fecha de solicitud</source>
        <translation>Request date</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="85"/>
        <source>Estado</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="89"/>
        <source>Completada</source>
        <translation>Completed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="92"/>
        <source>Paga</source>
        <translation>Paid by</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="135"/>
        <source>Información clínica</source>
        <translation>Clinical information</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="136"/>
        <source>Notas</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="173"/>
        <source>Investigaciones</source>
        <translation>Tests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="193"/>
        <source>Total (1 investigación)</source>
        <translation>Total (1 test)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="195"/>
        <source>Total ({count} investigaciones)</source>
        <translation>Total ({count} tests)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="51"/>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="185"/>
        <source>Descuento</source>
        <translation>Discount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="188"/>
        <source>Descuento ({discount_text})</source>
        <translation>Discount ({discount_text})</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="199"/>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="206"/>
        <source>ISV {rate} %</source>
        <translation>ISV (sales tax) {rate} %</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="208"/>
        <source>Neto a pagar</source>
        <translation>Net to pay</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="215"/>
        <source>Notas de crédito</source>
        <translation>Credit notes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="220"/>
        <source>Neto tras notas de crédito</source>
        <translation>Net after credit notes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="243"/>
        <source>Motivo del descuento: {discount_reason}</source>
        <translation>Discount reason: {discount_reason}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="249"/>
        <source>Facturada con otras solicitudes en la factura {number} (total {total}): lo de esta solicitud es su parte y puede diferir en centavos de la factura.</source>
        <translation>Invoiced with other requests on invoice {number} (total {total}): this request&apos;s amount is its share and may differ from the invoice by centavos.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="263"/>
        <source>SOLICITUD CANCELADA</source>
        <translation>REQUEST CANCELLED</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="265"/>
        <source> el {cancelled_at_text}</source>
        <translation> on {cancelled_at_text}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="268"/>
        <source>(sin motivo registrado)</source>
        <translation>(no reason recorded)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="271"/>
        <source>Motivo: {v}</source>
        <translation>Reason: {v}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="278"/>
        <source>CANCELADA</source>
        <translation>CANCELLED</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/request_summary.py" line="285"/>
        <source>Impreso por {who} el {v}</source>
        <translation>Printed by {who} on {v}</translation>
    </message>
</context>
<context>
    <name>printing.tube_labels</name>
    <message>
        <location filename="../../patolab_desktop/documents/tube_labels.py" line="329"/>
        <source>(código de barras no disponible)</source>
        <translation>(barcode not available)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/tube_labels.py" line="47"/>
        <source>Muestra</source>
        <translation>Sample</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/tube_labels.py" line="37"/>
        <source>{age} a</source>
        <translation>{age} y</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/tube_labels.py" line="38"/>
        <source>{age} m</source>
        <translation>{age} mo</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/tube_labels.py" line="39"/>
        <source>{age} d</source>
        <translation>{age} d</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/tube_labels.py" line="381"/>
        <source>No hay etiquetas que imprimir.</source>
        <translation>There are no labels to print.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/documents/tube_labels.py" line="382"/>
        <source>Etiquetas {request_number}</source>
        <translation>Labels {request_number}</translation>
    </message>
</context>
<context>
    <name>prompts</name>
    <message>
        <location filename="../../patolab_desktop/ui/prompts.py" line="16"/>
        <source>Sí</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/prompts.py" line="17"/>
        <source>No</source>
        <translation>No</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/prompts.py" line="26"/>
        <location filename="../../patolab_desktop/ui/prompts.py" line="32"/>
        <source>Aceptar</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/prompts.py" line="151"/>
        <source>{path} es una carpeta.</source>
        <translation>{path} is a folder.</translation>
    </message>
</context>
<context>
    <name>referrers.area</name>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/area.py" line="18"/>
        <source>Remitentes</source>
        <translation>Referrers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/area.py" line="21"/>
        <source>&amp;Médicos remitentes</source>
        <translation>Referring &amp;doctors</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/area.py" line="23"/>
        <source>&amp;Nuevo remitente…</source>
        <translation>&amp;New referrer…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/area.py" line="26"/>
        <source>&amp;Tipos de remitente…</source>
        <translation>Referrer &amp;types…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/area.py" line="33"/>
        <source>&amp;Remitentes (CSV)…</source>
        <translation>Re&amp;ferrers (CSV)…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/area.py" line="51"/>
        <source>Exportar remitentes a CSV</source>
        <translation>Export referrers to CSV</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/area.py" line="54"/>
        <source>remitente</source>
        <translation>referrer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/area.py" line="55"/>
        <source>remitentes</source>
        <translation>referrers</translation>
    </message>
</context>
<context>
    <name>referrers.referrer_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="32"/>
        <source>Editar remitente</source>
        <translation>Edit referrer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="31"/>
        <source>Nuevo remitente</source>
        <translation>New referrer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="57"/>
        <source>Dra. María López · Hospital Mario Catarino Rivas</source>
        <translation>Dr. Maria Lopez · Hospital Mario Catarino Rivas</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="56"/>
        <source>&amp;Nombre:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="65"/>
        <source>&amp;Tipo:</source>
        <translation>T&amp;ype:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="71"/>
        <source>Especialidad, hospital o clínica</source>
        <translation>Specialty, hospital or clinic</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="70"/>
        <source>&amp;Institución:</source>
        <translation>&amp;Institution:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="78"/>
        <source>9988-7766 (sin código se asume Honduras, +504)</source>
        <translation>9988-7766 (without a country code Honduras, +504, is assumed)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="77"/>
        <source>Teléf&amp;ono:</source>
        <translation>Ph&amp;one:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="87"/>
        <source>nombre@correo.hn</source>
        <translation>name@mail.hn</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="86"/>
        <source>&amp;Correo:</source>
        <translation>&amp;Email:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="91"/>
        <source>&amp;Dirección:</source>
        <translation>A&amp;ddress:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="99"/>
        <source>&amp;Activo (aparece al elegir remitente en una solicitud)</source>
        <translation>&amp;Active (offered when choosing a request&apos;s referrer)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="109"/>
        <source>— Elija el tipo —</source>
        <translation>— Choose the type —</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="128"/>
        <source>Este remitente tiene 1 solicitud; el cambio se verá también en ella.</source>
        <translation>This referrer has 1 request; the change will show on it too.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="133"/>
        <source>Este remitente tiene {used:,} solicitudes; el cambio se verá también en ellas.</source>
        <translation>This referrer has {used:,} requests; the change will show on them too.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="33"/>
        <source>El remitente cambió</source>
        <translation>The referrer has changed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="94"/>
        <source>Nota&amp;s:</source>
        <translation>No&amp;tes:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="149"/>
        <source> (inactivo)</source>
        <translation> (inactive)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="157"/>
        <source>Ya existe un remitente parecido:

</source>
        <translation>A similar referrer already exists:

</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="158"/>
        <source>

¿Registrar de todos modos uno nuevo?</source>
        <translation>

Register a new one anyway?</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrer_dialog.py" line="156"/>
        <source>Posible remitente duplicado</source>
        <translation>Possible duplicate referrer</translation>
    </message>
</context>
<context>
    <name>referrers.referrers_window</name>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrers_window.py" line="33"/>
        <source>Inactivo (desactivado)</source>
        <translation>Inactive (deactivated)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrers_window.py" line="41"/>
        <source>Nombre</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrers_window.py" line="46"/>
        <source>Tipo</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrers_window.py" line="48"/>
        <source>Institución</source>
        <translation>Institution</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrers_window.py" line="50"/>
        <source>Teléfono</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrers_window.py" line="51"/>
        <source>Correo</source>
        <translation>Email</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrers_window.py" line="54"/>
        <source>Registrado</source>
        <translation>Registered</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrers_window.py" line="91"/>
        <source>Buscar por nombre, institución, teléfono o correo…</source>
        <translation>Search by name, institution, phone or email…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrers_window.py" line="113"/>
        <source>&amp;Tipo:</source>
        <translation>&amp;Type:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrers_window.py" line="114"/>
        <source>Mostrar &amp;inactivos</source>
        <translation>Show &amp;inactive</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrers_window.py" line="105"/>
        <source>Tipos de remitente…</source>
        <translation>Referrer types…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrers_window.py" line="109"/>
        <source>Crear, renombrar o eliminar tipos</source>
        <translation>Create, rename or delete types</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrers_window.py" line="116"/>
        <source>Intro: editar · Ctrl+N: nuevo · Supr: desactivar · F5: actualizar</source>
        <translation>Enter: edit · Ctrl+N: new · Del: deactivate · F5: refresh</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrers_window.py" line="128"/>
        <source>Todos los tipos</source>
        <translation>All types</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/referrers_window.py" line="80"/>
        <source>¿Desactivar a «{name}»?

Dejará de aparecer al elegir el remitente de una solicitud, pero las solicitudes que ya lo tienen lo conservan. Se puede reactivar cuando haga falta.</source>
        <translation>Deactivate “{name}”?

They will no longer be offered when choosing a request&apos;s referrer, but requests that already have them keep them. They can be reactivated when needed.</translation>
    </message>
</context>
<context>
    <name>referrers.types_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="21"/>
        <source>Tipo</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="24"/>
        <source>Remitentes</source>
        <translation>Referrers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="39"/>
        <source>Tipos de remitente</source>
        <translation>Referrer types</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="53"/>
        <source>Nombre del tipo nuevo (p. ej. Laboratorio externo)</source>
        <translation>Name of the new type (e.g. External laboratory)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="59"/>
        <source>&amp;Agregar</source>
        <translation>&amp;Add</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="63"/>
        <source>&amp;Renombrar…</source>
        <translation>&amp;Rename…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="68"/>
        <source>&amp;Eliminar</source>
        <translation>De&amp;lete</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="73"/>
        <source>&amp;Nuevo tipo:</source>
        <translation>&amp;New type:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="77"/>
        <source>Un tipo que usan remitentes no se puede eliminar: solo renombrar o desactivar (deja de ofrecerse para remitentes nuevos).</source>
        <translation>A type used by referrers cannot be deleted, only renamed or deactivated (it is then no longer offered for new referrers).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="98"/>
        <source>Lo usan {in_use:,} remitentes: no se puede eliminar, solo renombrar.</source>
        <translation>Used by {in_use:,} referrers: it cannot be deleted, only renamed.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="105"/>
        <source>Eliminar el tipo seleccionado (Supr)</source>
        <translation>Delete the selected type (Del)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="140"/>
        <source>Renombrar tipo de remitente</source>
        <translation>Rename referrer type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="141"/>
        <source>Nuevo nombre:</source>
        <translation>New name:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="144"/>
        <source>No se pudo renombrar</source>
        <translation>Could not rename</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="156"/>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="170"/>
        <source>No se puede eliminar</source>
        <translation>Cannot delete</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="162"/>
        <source>Eliminar tipo de remitente</source>
        <translation>Delete referrer type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="163"/>
        <source>¿Eliminar el tipo «{name}»?</source>
        <translation>Delete the type “{name}”?</translation>
    </message>
</context>
<context>
    <name>requests.add_investigation_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/requests/add_investigation_dialog.py" line="26"/>
        <source>Agregar investigación</source>
        <translation>Add test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/add_investigation_dialog.py" line="34"/>
        <source>Código o nombre de la investigación</source>
        <translation>Test code or name</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/add_investigation_dialog.py" line="38"/>
        <location filename="../../patolab_desktop/ui/requests/add_investigation_dialog.py" line="104"/>
        <source>Escriba el código o el nombre y elija con Enter.</source>
        <translation>Type the code or the name and choose with Enter.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/add_investigation_dialog.py" line="46"/>
        <source>Notas de la investigación (opcional), p. ej. «en ayunas»</source>
        <translation>Notes for the test (optional), e.g. “fasting”</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/add_investigation_dialog.py" line="53"/>
        <source>&amp;Agregar</source>
        <translation>&amp;Add</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/add_investigation_dialog.py" line="56"/>
        <source>&amp;Investigación</source>
        <translation>&amp;Test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/add_investigation_dialog.py" line="58"/>
        <source>&amp;Notas</source>
        <translation>&amp;Notes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/add_investigation_dialog.py" line="89"/>
        <source> (panel: agrega también sus investigaciones a precio 0)</source>
        <translation> (panel: also adds its tests at price 0)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/add_investigation_dialog.py" line="127"/>
        <source>No se agregó la investigación</source>
        <translation>The test was not added</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/add_investigation_dialog.py" line="131"/>
        <source>Se agregó {code} {name}. Nuevo neto: {net_text}</source>
        <translation>{code} {name} added. New net: {net_text}</translation>
    </message>
</context>
<context>
    <name>requests.area</name>
    <message>
        <location filename="../../patolab_desktop/ui/requests/area.py" line="43"/>
        <source>Nueva solicitud ({NEW_REQUEST_SHORTCUT})</source>
        <translation>New request ({NEW_REQUEST_SHORTCUT})</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/area.py" line="50"/>
        <source>Lista de solicitudes ({LIST_SHORTCUT})</source>
        <translation>Request list ({LIST_SHORTCUT})</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/area.py" line="123"/>
        <source>Solicitud {number} guardada</source>
        <translation>Request {number} saved</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/area.py" line="161"/>
        <source>Cambios de la solicitud guardados</source>
        <translation>Request changes saved</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/area.py" line="179"/>
        <location filename="../../patolab_desktop/ui/requests/area.py" line="187"/>
        <source>Exportar solicitudes</source>
        <translation>Export requests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/area.py" line="181"/>
        <source>Archivos CSV (*.csv)</source>
        <translation>CSV files (*.csv)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/area.py" line="191"/>
        <source>Exportando solicitudes</source>
        <translation>Exporting requests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/area.py" line="193"/>
        <source>Exportación cancelada</source>
        <translation>Export cancelled</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/area.py" line="194"/>
        <source>No se creó el archivo.</source>
        <translation>The file was not created.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/area.py" line="199"/>
        <source>Solicitudes exportadas</source>
        <translation>Requests exported</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/area.py" line="201"/>
        <source>Se exportó 1 solicitud a:
{path}</source>
        <translation>1 request exported to:
{path}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/area.py" line="202"/>
        <source>Se exportaron {count:,} solicitudes a:
{path}</source>
        <translation>{count:,} requests exported to:
{path}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/area.py" line="223"/>
        <source>Solicitudes</source>
        <translation>Requests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/area.py" line="232"/>
        <source>&amp;Nueva solicitud…</source>
        <translation>&amp;New request…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/area.py" line="241"/>
        <source>&amp;Lista de solicitudes</source>
        <translation>Request &amp;list</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/area.py" line="249"/>
        <source>&amp;Solicitudes (CSV)…</source>
        <translation>&amp;Requests (CSV)…</translation>
    </message>
</context>
<context>
    <name>requests.cancel_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/requests/cancel_dialog.py" line="20"/>
        <source>El paciente no se presentó a la toma de muestra</source>
        <translation>The patient did not come for the sample collection</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/cancel_dialog.py" line="21"/>
        <source>Solicitud duplicada</source>
        <translation>Duplicate request</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/cancel_dialog.py" line="22"/>
        <source>Error al registrar la solicitud</source>
        <translation>Mistake when registering the request</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/cancel_dialog.py" line="23"/>
        <source>El paciente desistió del examen</source>
        <translation>The patient decided not to have the test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/cancel_dialog.py" line="24"/>
        <source>Muestra no apta; se registrará una nueva solicitud</source>
        <translation>Unsuitable sample; a new request will be registered</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/cancel_dialog.py" line="50"/>
        <source>Cancelar solicitud</source>
        <translation>Cancel request</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/cancel_dialog.py" line="53"/>
        <source>Cancelar la solicitud &lt;b&gt;{request_number}&lt;/b&gt;</source>
        <translation>Cancel request &lt;b&gt;{request_number}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/cancel_dialog.py" line="57"/>
        <source> (estado: {status_label})</source>
        <translation> (status: {status_label})</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/cancel_dialog.py" line="66"/>
        <source>Las solicitudes no se borran: quedan canceladas con su motivo en el historial. Solo se cancelan las pendientes o con muestra tomada.</source>
        <translation>Requests are never deleted: they stay cancelled, with their reason, in the history. Only pending requests or those with the sample collected can be cancelled.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/cancel_dialog.py" line="75"/>
        <source>&amp;Motivo de la cancelación *</source>
        <translation>Cancellation &amp;reason *</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/cancel_dialog.py" line="86"/>
        <source>Escriba el motivo o elija uno de la lista</source>
        <translation>Type the reason or choose one from the list</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/cancel_dialog.py" line="99"/>
        <source>Cancelar &amp;solicitud</source>
        <translation>Cancel &amp;request</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/cancel_dialog.py" line="101"/>
        <source>&amp;Volver</source>
        <translation>&amp;Back</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/cancel_dialog.py" line="126"/>
        <source>Escriba el motivo de la cancelación.</source>
        <translation>Enter the reason for the cancellation.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/cancel_dialog.py" line="136"/>
        <source>No se puede cancelar</source>
        <translation>Cannot cancel</translation>
    </message>
</context>
<context>
    <name>requests.change_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/requests/change_dialog.py" line="30"/>
        <source>Solicitud &lt;b&gt;{number}&lt;/b&gt; · {patient}</source>
        <translation>Request &lt;b&gt;{number}&lt;/b&gt; · {patient}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/change_dialog.py" line="41"/>
        <source>&amp;Guardar</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/change_dialog.py" line="43"/>
        <source>Cancelar</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/change_dialog.py" line="63"/>
        <source>No se guardó</source>
        <translation>Not saved</translation>
    </message>
</context>
<context>
    <name>requests.common</name>
    <message>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="40"/>
        <source>(del panel)</source>
        <translation>(in panel)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="177"/>
        <source>Código</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="180"/>
        <source>Investigación</source>
        <translation>Test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="184"/>
        <source>Forma parte de un panel</source>
        <translation>Part of a panel</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="188"/>
        <source>Tipo de muestra</source>
        <translation>Sample type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="190"/>
        <source>Precio</source>
        <translation>Price</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="191"/>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="302"/>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="335"/>
        <source>Descuento</source>
        <translation>Discount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="192"/>
        <source>Neto</source>
        <translation>Net</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="198"/>
        <source>Estado</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="205"/>
        <source>Notas</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="271"/>
        <source>Sin descuento</source>
        <translation>No discount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="275"/>
        <source>{age} años, </source>
        <translation>{age} years, </translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="277"/>
        <source>Descuento por edad ({years}{pct} %)</source>
        <translation>Age discount ({years}{pct} %)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="281"/>
        <source>Descuento manual ({pct} %)</source>
        <translation>Manual discount ({pct} %)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="282"/>
        <source>Descuento ({pct} %)</source>
        <translation>Discount ({pct} %)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="305"/>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="337"/>
        <source>Neto a pagar (incluye ISV {tax})</source>
        <translation>Net to pay (includes ISV {tax})</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="303"/>
        <location filename="../../patolab_desktop/ui/requests/common.py" line="341"/>
        <source>Neto a pagar</source>
        <translation>Net to pay</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/lookup_edit.py" line="114"/>
        <source>Sin resultados</source>
        <translation>No results</translation>
    </message>
</context>
<context>
    <name>requests.discount_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/requests/discount_dialog.py" line="32"/>
        <location filename="../../patolab_desktop/ui/requests/discount_dialog.py" line="103"/>
        <source>Descuento manual</source>
        <translation>Manual discount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/discount_dialog.py" line="43"/>
        <source>Total {total} · descuento actual: {discount} · neto a pagar {net}</source>
        <translation>Total {total} · current discount: {discount} · net to pay {net}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/discount_dialog.py" line="48"/>
        <source>ninguno</source>
        <translation>none</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/discount_dialog.py" line="57"/>
        <source>Ninguno</source>
        <translation>None</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/discount_dialog.py" line="60"/>
        <source>Motivo del descuento manual</source>
        <translation>Reason for the manual discount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/discount_dialog.py" line="67"/>
        <source>&amp;Porcentaje</source>
        <translation>&amp;Percentage</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/discount_dialog.py" line="69"/>
        <source>&amp;Motivo</source>
        <translation>&amp;Reason</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/discount_dialog.py" line="72"/>
        <source>Reemplaza al descuento por edad solo si es mayor. «Ninguno» retira el descuento manual.</source>
        <translation>It replaces the age discount only when larger. “None” withdraws the manual discount.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/discount_dialog.py" line="104"/>
        <source>El descuento por edad ({percent} %) es igual o mayor: la solicitud lo conserva.</source>
        <translation>The age discount ({percent} %) is equal or larger: the request keeps it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/discount_dialog.py" line="116"/>
        <source>La solicitud ya está en la factura {number}: su importe no cambia.</source>
        <translation>The request is already on invoice {number}: its amount does not change.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/discount_dialog.py" line="121"/>
        <source>Su rol no puede aplicar descuentos manuales.</source>
        <translation>Your role cannot apply manual discounts.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/discount_dialog.py" line="123"/>
        <source>Solo una solicitud en curso admite un descuento.</source>
        <translation>Only a request in progress takes a discount.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/discount_dialog.py" line="126"/>
        <source>Aplicar o retirar un descuento manual</source>
        <translation>Apply or withdraw a manual discount</translation>
    </message>
</context>
<context>
    <name>requests.edit_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/requests/edit_dialog.py" line="29"/>
        <source>Editar datos de la solicitud</source>
        <translation>Edit request details</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/edit_dialog.py" line="36"/>
        <source>Médico o institución que remite</source>
        <translation>Referring doctor or institution</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/edit_dialog.py" line="54"/>
        <source>&amp;Médico *</source>
        <translation>&amp;Doctor *</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/edit_dialog.py" line="56"/>
        <source>Priori&amp;dad</source>
        <translation>Priori&amp;ty</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/edit_dialog.py" line="57"/>
        <source>&amp;Origen</source>
        <translation>&amp;Origin</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/edit_dialog.py" line="58"/>
        <source>&amp;Información clínica</source>
        <translation>Clinical &amp;information</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/edit_dialog.py" line="59"/>
        <source>&amp;Notas</source>
        <translation>&amp;Notes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/edit_dialog.py" line="103"/>
        <source>Elija de la lista el médico o la institución que remite.</source>
        <translation>Choose the referring doctor or institution from the list.</translation>
    </message>
</context>
<context>
    <name>requests.lines_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/requests/lines_dialog.py" line="78"/>
        <source>C&amp;errar</source>
        <translation>&amp;Close</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/lines_dialog.py" line="88"/>
        <source>&lt;b&gt;{field}&lt;/b&gt; · {field2} · &lt;span style=&apos;color:#546e7a&apos;&gt;{status_label}&lt;/span&gt;</source>
        <translation>&lt;b&gt;{field}&lt;/b&gt; · {field2} · &lt;span style=&apos;color:#546e7a&apos;&gt;{status_label}&lt;/span&gt;</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/lines_dialog.py" line="109"/>
        <source>La solicitud está {lower}: no se puede modificar.</source>
        <translation>The request is {lower}: it cannot be changed.</translation>
    </message>
</context>
<context>
    <name>requests.remove_investigation_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/requests/remove_investigation_dialog.py" line="27"/>
        <location filename="../../patolab_desktop/ui/requests/remove_investigation_dialog.py" line="120"/>
        <source>Quitar investigación</source>
        <translation>Remove test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/remove_investigation_dialog.py" line="32"/>
        <location filename="../../patolab_desktop/ui/requests/remove_investigation_dialog.py" line="96"/>
        <source>Elija la línea y pulse Supr o «Quitar». Quitar un panel quita también sus investigaciones.</source>
        <translation>Choose the line and press Del or “Remove”. Removing a panel also removes its tests.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/remove_investigation_dialog.py" line="41"/>
        <source>&amp;Quitar (Supr)</source>
        <translation>&amp;Remove (Del)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/remove_investigation_dialog.py" line="86"/>
        <source>su panel</source>
        <translation>its panel</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/remove_investigation_dialog.py" line="89"/>
        <source>«{name}» es parte del panel «{panel}»: quite el panel.</source>
        <translation>“{name}” is part of the panel “{panel}”: remove the panel.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/remove_investigation_dialog.py" line="114"/>
        <source> y sus investigaciones</source>
        <translation> and its tests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/remove_investigation_dialog.py" line="121"/>
        <source>¿Quitar {name}{extra} de la solicitud? Los montos se recalculan.</source>
        <translation>Remove {name}{extra} from the request? The amounts are recalculated.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/remove_investigation_dialog.py" line="134"/>
        <source>No se quitó la investigación</source>
        <translation>The test was not removed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/remove_investigation_dialog.py" line="141"/>
        <source>Se quitó {name}{extra}. Nuevo neto: {net_text}</source>
        <translation>{name}{extra} removed. New net: {net_text}</translation>
    </message>
</context>
<context>
    <name>requests.request_detail</name>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="107"/>
        <source>Paciente</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="108"/>
        <source>Médico</source>
        <translation>Doctor</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="109"/>
        <source>Origen</source>
        <translation>Source</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="110"/>
        <source>Sucursal</source>
        <translation>Branch</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="111"/>
        <source>Información clínica</source>
        <translation>Clinical information</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="112"/>
        <source>Notas</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="118"/>
        <source>Solicitada</source>
        <translation>Requested</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="119"/>
        <source>Completada</source>
        <translation>Completed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="120"/>
        <source>Cancelada</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="121"/>
        <source>Motivo</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="122"/>
        <source>Descuento</source>
        <translation>Discount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="123"/>
        <source>Registrada por</source>
        <translation>Registered by</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="139"/>
        <source>Investigaciones</source>
        <translation>Tests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="154"/>
        <source>En &amp;proceso</source>
        <translation>In &amp;progress</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="157"/>
        <source>Marcar las investigaciones elegidas en proceso</source>
        <translation>Mark the chosen tests in progress</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="160"/>
        <source>Resultado &amp;listo</source>
        <translation>Result rea&amp;dy</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="163"/>
        <source>Marcar las investigaciones elegidas con resultado listo (una o varias)</source>
        <translation>Mark the chosen tests with their result ready (one or many)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="187"/>
        <source>Historial</source>
        <translation>History</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="197"/>
        <source>Mensajes de WhatsApp</source>
        <translation>WhatsApp messages</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="216"/>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="340"/>
        <source>A&amp;vanzar estado</source>
        <translation>Ad&amp;vance status</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="217"/>
        <source>&amp;Cancelar solicitud…</source>
        <translation>&amp;Cancel request…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="218"/>
        <source>&amp;Agregar investigación…</source>
        <translation>&amp;Add test…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="219"/>
        <source>&amp;Quitar investigación…</source>
        <translation>&amp;Remove test…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="220"/>
        <source>E&amp;ditar datos…</source>
        <translation>&amp;Edit details…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="236"/>
        <source>C&amp;errar</source>
        <translation>Cl&amp;ose</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="245"/>
        <source>&amp;Resumen…</source>
        <translation>&amp;Summary…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="248"/>
        <source>Vista previa e impresión del resumen (Ctrl+P)</source>
        <translation>Preview and print the summary (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="251"/>
        <source>E&amp;tiquetas…</source>
        <translation>&amp;Labels…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="254"/>
        <source>Etiquetas de tubos (Ctrl+E)</source>
        <translation>Tube labels (Ctrl+E)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="263"/>
        <source>Desc&amp;uento…</source>
        <translation>Disco&amp;unt…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="282"/>
        <source>Solicitud {number}</source>
        <translation>Request {number}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="319"/>
        <source>Resultados: {released}/{total} listas</source>
        <translation>Results: {released}/{total} ready</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="336"/>
        <source>A&amp;vanzar a «{status_label}»</source>
        <translation>Ad&amp;vance to “{status_label}”</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="358"/>
        <source>Solicitud {lower}: solo lectura</source>
        <translation>Request {lower}: read only</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="387"/>
        <source>La solicitud ya está en la factura {number}: registre una solicitud nueva para otra investigación.</source>
        <translation>The request is already on invoice {number}: register a new request for another investigation.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="443"/>
        <source>Avanzar estado</source>
        <translation>Advance status</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="444"/>
        <source>¿Pasar la solicitud {number} de «{status_label}» a «{status_label2}»?</source>
        <translation>Move request {number} from “{status_label}” to “{status_label2}”?</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="462"/>
        <source>No se puede avanzar la solicitud</source>
        <translation>The request cannot be advanced</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="482"/>
        <source>Resultados</source>
        <translation>Results</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="483"/>
        <source>Elija una o varias investigaciones.</source>
        <translation>Choose one or more tests.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="495"/>
        <source>No se pudo marcar</source>
        <translation>Could not mark</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="565"/>
        <source>{age} años</source>
        <translation>{age} years</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="259"/>
        <source>Co&amp;brar y facturar…</source>
        <translation>Charge and &amp;bill…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_detail.py" line="376"/>
        <source>Factura {number}</source>
        <translation>Invoice {number}</translation>
    </message>
</context>
<context>
    <name>requests.request_entry</name>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_texts.py" line="40"/>
        <source>Identidad {id_number}</source>
        <translation>ID {id_number}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_texts.py" line="46"/>
        <source>edad desconocida</source>
        <translation>age unknown</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_texts.py" line="59"/>
        <source> (inactivo)</source>
        <translation> (inactive)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_texts.py" line="84"/>
        <source>  [panel]</source>
        <translation>  [panel]</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="55"/>
        <source>Nueva solicitud</source>
        <translation>New request</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="67"/>
        <source>Ver solicitud</source>
        <translation>View request</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="71"/>
        <source>Resumen (Ctrl+P)</source>
        <translation>Summary (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="73"/>
        <source>Vista previa e impresión del resumen de la solicitud guardada</source>
        <translation>Preview and print the summary of the saved request</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="79"/>
        <source>Etiquetas (Ctrl+E)</source>
        <translation>Labels (Ctrl+E)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="81"/>
        <source>Etiquetas de tubos de la solicitud guardada</source>
        <translation>Tube labels of the saved request</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="94"/>
        <source>Paciente: nombre, identidad o teléfono</source>
        <translation>Patient: name, ID or phone</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="99"/>
        <source>Nuevo paciente… ({NEW_PATIENT_KEY})</source>
        <translation>New patient… ({NEW_PATIENT_KEY})</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="104"/>
        <source>Registrar un paciente sin salir de la solicitud</source>
        <translation>Register a patient without leaving the request</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="110"/>
        <source>Todos</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="116"/>
        <source>Buscar solo médicos o instituciones de este tipo</source>
        <translation>Search only doctors or institutions of this type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="119"/>
        <source>Médico o institución que remite</source>
        <translation>Referring doctor or institution</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="125"/>
        <source>Nuevo médico… ({NEW_DOCTOR_KEY})</source>
        <translation>New doctor… ({NEW_DOCTOR_KEY})</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="131"/>
        <source>Pacien&amp;te *</source>
        <translation>Pa&amp;tient *</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="133"/>
        <source>&amp;Médico *</source>
        <translation>&amp;Doctor *</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="148"/>
        <source>Ti&amp;po</source>
        <translation>Ty&amp;pe</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="170"/>
        <source>Priori&amp;dad</source>
        <translation>Priorit&amp;y</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="171"/>
        <source>&amp;Origen</source>
        <translation>S&amp;ource</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="172"/>
        <source>Sucursa&amp;l</source>
        <translation>Branc&amp;h</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="189"/>
        <source>Motivo del examen, diagnóstico presuntivo, medicamentos…</source>
        <translation>Reason for the test, presumptive diagnosis, medication…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="195"/>
        <source>Ayuno, entrega de resultados, observaciones…</source>
        <translation>Fasting, result delivery, remarks…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="200"/>
        <source>In&amp;formación clínica</source>
        <translation>Clinical in&amp;formation</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="202"/>
        <source>&amp;Notas</source>
        <translation>&amp;Notes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="211"/>
        <source>Investigaciones</source>
        <translation>Tests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="217"/>
        <source>Código o nombre de la investigación — Enter la agrega</source>
        <translation>Test code or name — Enter adds it</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="223"/>
        <source>Agregar &amp;investigación</source>
        <translation>Add t&amp;est</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="226"/>
        <source>Quitar línea (Supr)</source>
        <translation>Remove line (Del)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="265"/>
        <source>Ninguno</source>
        <translation>None</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="269"/>
        <source>Motivo del descuento manual</source>
        <translation>Reason for the manual discount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="272"/>
        <source>Descuento man&amp;ual</source>
        <translation>Man&amp;ual discount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="276"/>
        <source>Motivo</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="284"/>
        <source>&amp;Guardar (Ctrl+S)</source>
        <translation>&amp;Save (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="288"/>
        <source>Descartar (Esc)</source>
        <translation>Discard (Esc)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_entry.py" line="102"/>
        <source>Registrar un médico o institución sin salir de la solicitud</source>
        <translation>Register a doctor or institution without leaving the request</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_entry.py" line="113"/>
        <source>Su rol no puede aplicar descuentos manuales.</source>
        <translation>Your role cannot apply manual discounts.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_entry.py" line="120"/>
        <source>Escriba el nombre, la identidad o el teléfono y elija con Enter.</source>
        <translation>Type the name, ID or phone and choose with Enter.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_entry.py" line="336"/>
        <source>   ✓ ya está en la solicitud</source>
        <translation>   ✓ already in the request</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_entry.py" line="358"/>
        <source>La investigación</source>
        <translation>The test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_entry.py" line="361"/>
        <source>«{name}» ya está en la solicitud; no se agrega dos veces.</source>
        <translation>“{name}” is already in the request; it is not added twice.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_entry.py" line="399"/>
        <source>su panel</source>
        <translation>its panel</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_entry.py" line="403"/>
        <source>«{name}» es parte del panel «{panel}»: quite el panel para quitarla.</source>
        <translation>“{name}” is part of the panel “{panel}”: remove the panel to remove it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_entry.py" line="475"/>
        <source>No se guardó la solicitud</source>
        <translation>The request was not saved</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_entry.py" line="483"/>
        <source>Solicitud {number} guardada · {patient} · Neto {format_lempiras}</source>
        <translation>Request {number} saved · {patient} · Net {format_lempiras}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_entry.py" line="556"/>
        <source>Descartar solicitud</source>
        <translation>Discard request</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_entry.py" line="557"/>
        <source>¿Descartar la solicitud que está escribiendo? No se guardará nada.</source>
        <translation>Discard the request you are entering? Nothing will be saved.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="163"/>
        <source>La empresa que paga esta solicitud (opcional)</source>
        <translation>The company that pays for this request (optional)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/entry_layout.py" line="173"/>
        <source>Factura a</source>
        <translation>Bill to</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_entry.py" line="177"/>
        <source>(el paciente)</source>
        <translation>(the patient)</translation>
    </message>
</context>
<context>
    <name>requests.request_history</name>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_history.py" line="17"/>
        <source>Fecha</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_history.py" line="18"/>
        <source>Acción</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_history.py" line="21"/>
        <source>Detalle</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/request_history.py" line="24"/>
        <source>Usuario</source>
        <translation>User</translation>
    </message>
</context>
<context>
    <name>requests.requests_window</name>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="69"/>
        <source>Número</source>
        <translation>Number</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="70"/>
        <source>Fecha</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="71"/>
        <source>Paciente</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="72"/>
        <source>Médico</source>
        <translation>Doctor</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="75"/>
        <source>Prioridad</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="82"/>
        <source>Estado</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="87"/>
        <source>Resultados</source>
        <translation>Results</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="88"/>
        <source>Origen</source>
        <translation>Source</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="91"/>
        <source>Sucursal</source>
        <translation>Branch</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="97"/>
        <source>Inv.</source>
        <translation>Tests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="99"/>
        <source>Investigaciones en la solicitud (incluye las de los paneles)</source>
        <translation>Tests in the request (including those in panels)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="106"/>
        <source>Neto</source>
        <translation>Net</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="109"/>
        <source>Total {format_money} − descuento {format_money2}</source>
        <translation>Total {format_money} − discount {format_money2}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="221"/>
        <source>Buscar por número de solicitud o nombre del paciente (Ctrl+F)</source>
        <translation>Search by request number or patient name (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="227"/>
        <source>Nueva solicitud</source>
        <translation>New request</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="228"/>
        <source>Abrir (Enter)</source>
        <translation>Open (Enter)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="232"/>
        <source>Actualizar (F5)</source>
        <translation>Refresh (F5)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="251"/>
        <source>Todos los estados</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="258"/>
        <source>Todos los resultados</source>
        <translation>All results</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="265"/>
        <source>Todas las prioridades</source>
        <translation>All priorities</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="272"/>
        <source>Todos los orígenes</source>
        <translation>All sources</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="276"/>
        <source>Todas las sucursales</source>
        <translation>All branches</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="281"/>
        <source> (inactiva)</source>
        <translation> (inactive)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="284"/>
        <source>Paciente (todos)</source>
        <translation>Patient (all)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="287"/>
        <source>Médico (todos)</source>
        <translation>Doctor (all)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="291"/>
        <source>Desde</source>
        <translation>From</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="293"/>
        <source>Hasta</source>
        <translation>To</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="295"/>
        <source>Quitar filtros</source>
        <translation>Clear filters</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="299"/>
        <source>Es&amp;tado</source>
        <translation>Sta&amp;tus</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="300"/>
        <source>Priori&amp;dad</source>
        <translation>Priori&amp;ty</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="301"/>
        <source>&amp;Origen</source>
        <translation>S&amp;ource</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="302"/>
        <source>Sucursa&amp;l</source>
        <translation>Branc&amp;h</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="306"/>
        <source>Pac&amp;iente</source>
        <translation>Pat&amp;ient</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="308"/>
        <source>&amp;Médico</source>
        <translation>&amp;Doctor</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="317"/>
        <source>Res&amp;ultados</source>
        <translation>Res&amp;ults</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="479"/>
        <source>{rows}{more} solicitudes</source>
        <translation>{rows}{more} requests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="483"/>
        <source>1 solicitud</source>
        <translation>1 request</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/requests/requests_window.py" line="229"/>
        <source>Cobrar y facturar…</source>
        <translation>Charge and invoice…</translation>
    </message>
</context>
<context>
    <name>services.audit</name>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="223"/>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="275"/>
        <source>n.º {id}</source>
        <translation>no. {id}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="138"/>
        <source>Mensaje a {phone}</source>
        <translation>Message to {phone}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="76"/>
        <source>Cómo dio el consentimiento</source>
        <translation>How consent was given</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="77"/>
        <source>Mensajes aceptados</source>
        <translation>Messages accepted</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="88"/>
        <source>Queda como saldo a favor</source>
        <translation>Kept as credit balance</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="136"/>
        <source>Mensaje de {number}</source>
        <translation>Message of {number}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="87"/>
        <source>Fecha de cancelación</source>
        <translation>Cancellation date</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="86"/>
        <source>Fecha de finalización</source>
        <translation>Completion date</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="85"/>
        <source>Fecha de solicitud</source>
        <translation>Request date</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="84"/>
        <source>Precio nuevo</source>
        <translation>New price</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="83"/>
        <source>Precio anterior</source>
        <translation>Previous price</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="82"/>
        <source>Solicitud</source>
        <translation>Request</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="75"/>
        <source>Consentimiento registrado por</source>
        <translation>Consent recorded by</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="74"/>
        <source>Consentimiento de WhatsApp</source>
        <translation>WhatsApp consent</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="73"/>
        <source>Datos incompletos</source>
        <translation>Incomplete data</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="171"/>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="72"/>
        <source>Tipo de documento</source>
        <translation>Document type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="71"/>
        <source>Investigaciones</source>
        <translation>Tests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="69"/>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="70"/>
        <source>Investigación</source>
        <translation>Test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="68"/>
        <source>Tipo de descuento</source>
        <translation>Discount type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="67"/>
        <source>Número de solicitud</source>
        <translation>Request number</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="107"/>
        <source>Nombre</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="108"/>
        <source>Nombres</source>
        <translation>First names</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="109"/>
        <source>Apellidos</source>
        <translation>Last names</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="110"/>
        <source>Identidad/RTN</source>
        <translation>ID/RTN</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="111"/>
        <location filename="../../patolab_desktop/services/access/audit.py" line="129"/>
        <source>Tipo</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="112"/>
        <source>Género</source>
        <translation>Gender</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="113"/>
        <source>Fecha de nacimiento</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="114"/>
        <source>Edad</source>
        <translation>Age</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="115"/>
        <source>Teléfono</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="116"/>
        <source>Teléfono secundario</source>
        <translation>Secondary phone</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="117"/>
        <source>Correo</source>
        <translation>Email</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="118"/>
        <source>Departamento</source>
        <translation>Department</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="119"/>
        <source>Municipio</source>
        <translation>Municipality</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="120"/>
        <source>Dirección</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="121"/>
        <source>Dirección 2</source>
        <translation>Address 2</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="122"/>
        <source>Código postal</source>
        <translation>Postal code</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="123"/>
        <source>País</source>
        <translation>Country</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="124"/>
        <source>Expediente externo</source>
        <translation>External record</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="125"/>
        <source>Notas</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="126"/>
        <source>Bloqueado</source>
        <translation>Blocked</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="127"/>
        <source>Activo</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="128"/>
        <source>Institución</source>
        <translation>Institution</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="130"/>
        <source>Código</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="131"/>
        <source>Tipo de muestra</source>
        <translation>Sample type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="132"/>
        <source>Precio</source>
        <translation>Price</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="133"/>
        <source>Es panel</source>
        <translation>Is a panel</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="134"/>
        <source>Miembros del panel</source>
        <translation>Panel members</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="135"/>
        <source>Estado</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="136"/>
        <source>Prioridad</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="137"/>
        <source>Origen</source>
        <translation>Source</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="138"/>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="79"/>
        <source>Remitente</source>
        <translation>Referrer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="139"/>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="78"/>
        <source>Paciente</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="140"/>
        <location filename="../../patolab_desktop/services/access/audit.py" line="168"/>
        <source>Sucursal</source>
        <translation>Branch</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="141"/>
        <source>Información clínica</source>
        <translation>Clinical information</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="142"/>
        <source>Motivo de cancelación</source>
        <translation>Cancellation reason</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="143"/>
        <source>Descuento (%)</source>
        <translation>Discount (%)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="144"/>
        <source>Motivo del descuento</source>
        <translation>Discount reason</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="145"/>
        <location filename="../../patolab_desktop/services/access/audit.py" line="156"/>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="146"/>
        <source>Descuento</source>
        <translation>Discount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="147"/>
        <source>Neto</source>
        <translation>Net</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="148"/>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="80"/>
        <source>Usuario</source>
        <translation>User</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="149"/>
        <source>Nombre completo</source>
        <translation>Full name</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="150"/>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="81"/>
        <source>Rol</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="151"/>
        <source>Debe cambiar contraseña</source>
        <translation>Must change password</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="152"/>
        <source>Descripción</source>
        <translation>Description</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="154"/>
        <source>Clase de impuesto</source>
        <translation>Tax class</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="155"/>
        <source>Número</source>
        <translation>Number</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="157"/>
        <source>Comprador</source>
        <translation>Buyer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="158"/>
        <source>Solicitudes</source>
        <translation>Requests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="159"/>
        <source>Pagado</source>
        <translation>Paid</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="160"/>
        <source>A crédito</source>
        <translation>On credit</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="161"/>
        <source>Factura original</source>
        <translation>Original invoice</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="162"/>
        <source>Qué se hizo con el dinero</source>
        <translation>What was done with the money</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="163"/>
        <source>Fondo inicial</source>
        <translation>Starting float</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="164"/>
        <source>Diferencia</source>
        <translation>Difference</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="165"/>
        <source>Monto</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="166"/>
        <source>Límite de crédito</source>
        <translation>Credit limit</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="167"/>
        <source>Días de crédito</source>
        <translation>Credit days</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="169"/>
        <source>Establecimiento</source>
        <translation>Establishment</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="170"/>
        <source>Punto de emisión</source>
        <translation>Issuing point</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="172"/>
        <source>CAI</source>
        <translation>CAI</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="173"/>
        <source>Rango desde</source>
        <translation>Range from</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="174"/>
        <source>Rango hasta</source>
        <translation>Range to</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="175"/>
        <source>Fecha límite de emisión</source>
        <translation>Issuing deadline</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="240"/>
        <source>Solo el servicio que hizo la acción puede escribir su registro de auditoría.</source>
        <translation>Only the service that performed the action can write its audit record.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="413"/>
        <source>(cifrado)</source>
        <translation>(encrypted)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="418"/>
        <location filename="../../patolab_desktop/services/access/audit.py" line="424"/>
        <location filename="../../patolab_desktop/services/access/audit_words.py" line="255"/>
        <source>(vacío)</source>
        <translation>(empty)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="420"/>
        <source>Sí</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/audit.py" line="422"/>
        <source>No</source>
        <translation>No</translation>
    </message>
</context>
<context>
    <name>services.auth</name>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="91"/>
        <source>minuto</source>
        <translation>minute</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="93"/>
        <source>minutos</source>
        <translation>minutes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="95"/>
        <source>La cuenta está bloqueada por demasiados intentos fallidos. Intente de nuevo en {minutes} {unit}.</source>
        <translation>The account is locked after too many failed attempts. Try again in {minutes} {unit}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="139"/>
        <source>La contraseña debe tener al menos {length} caracteres.</source>
        <translation>The password must have at least {length} characters.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="145"/>
        <source>La contraseña admite como máximo {length} caracteres.</source>
        <translation>The password can have at most {length} characters.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="151"/>
        <source>La contraseña no puede ser igual al nombre de usuario.</source>
        <translation>The password cannot be the same as the username.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="157"/>
        <source>Esa contraseña es de las más usadas y se adivina en segundos. Elija otra: una frase de varias palabras es fácil de recordar y difícil de adivinar.</source>
        <translation>That password is one of the most common ones and is guessed in seconds. Choose another: a phrase of several words is easy to remember and hard to guess.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="169"/>
        <source>El usuario debe tener de 3 a 60 letras, números, puntos, guiones o guiones bajos, sin espacios.</source>
        <translation>The username must have 3 to 60 letters, digits, dots, hyphens or underscores, without spaces.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/writer_check.py" line="31"/>
        <source>Un administrador desactivó su usuario: no se guardó nada. Consulte a un administrador.</source>
        <translation>An administrator deactivated your user: nothing was saved. Ask an administrator.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/writer_check.py" line="37"/>
        <source>Un administrador restableció su contraseña: no se guardó nada. Inicie sesión de nuevo con la contraseña temporal que le dieron.</source>
        <translation>An administrator reset your password: nothing was saved. Sign in again with the temporary password you were given.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/writer_check.py" line="55"/>
        <source>Un administrador cambió su usuario o los permisos de su rol mientras trabajaba: no se guardó nada. Vuelva a intentarlo si el menú aún ofrece la acción.</source>
        <translation>An administrator changed your user or your role&apos;s permissions while you were working: nothing was saved. Try again if the menu still offers the action.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="283"/>
        <source>Escriba el nombre completo.</source>
        <translation>Enter the full name.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="291"/>
        <source>Ya existe un administrador: inicie sesión con su usuario.</source>
        <translation>An administrator already exists: log in with your username.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="297"/>
        <source>Falta el rol Administrador en la base de datos.</source>
        <translation>The Administrator role is missing from the database.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="387"/>
        <source>Usuario o contraseña incorrectos.</source>
        <translation>Wrong username or password.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="389"/>
        <source>Le queda 1 intento antes de que la cuenta se bloquee {minutes} minutos.</source>
        <translation>You have 1 attempt left before the account is locked for {minutes} minutes.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="394"/>
        <source>Le quedan {left} intentos antes de que la cuenta se bloquee {minutes} minutos.</source>
        <translation>You have {left} attempts left before the account is locked for {minutes} minutes.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="423"/>
        <source>Este usuario está desactivado. Consulte a un administrador.</source>
        <translation>This user is deactivated. Ask an administrator.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="463"/>
        <location filename="../../patolab_desktop/services/access/auth.py" line="487"/>
        <source>Este usuario ya no existe.</source>
        <translation>This user no longer exists.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="468"/>
        <source>Este usuario fue desactivado. Consulte a un administrador.</source>
        <translation>This user has been deactivated. Ask an administrator.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="483"/>
        <source>El usuario del sistema no tiene contraseña.</source>
        <translation>The system user has no password.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="496"/>
        <source>La contraseña actual no es correcta.</source>
        <translation>The current password is not correct.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/auth.py" line="501"/>
        <source>La nueva contraseña debe ser distinta de la actual.</source>
        <translation>The new password must be different from the current one.</translation>
    </message>
</context>
<context>
    <name>services.backups</name>
    <message>
        <location filename="../../patolab_desktop/services/safety/backups.py" line="44"/>
        <source>manual</source>
        <translation>manual</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/backups.py" line="45"/>
        <source>automática al iniciar</source>
        <translation>automatic at start-up</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/backups.py" line="46"/>
        <source>automática al salir</source>
        <translation>automatic on exit</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/backups.py" line="47"/>
        <source>antes de restaurar</source>
        <translation>before restoring</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/backups.py" line="83"/>
        <location filename="../../patolab_desktop/services/safety/restoring.py" line="91"/>
        <source>No hay una base de datos abierta.</source>
        <translation>No database is open.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/backups.py" line="122"/>
        <source>Una base de datos en memoria no se puede respaldar.</source>
        <translation>An in-memory database cannot be backed up.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/backups.py" line="330"/>
        <source>La copia {name} está dañada y no se puede restaurar. Elija otra copia (por ejemplo, una anterior).

Detalle técnico: {problems}</source>
        <translation>The backup {name} is damaged and cannot be restored. Choose another backup (for example, an earlier one).

Technical detail: {problems}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/backups.py" line="384"/>
        <source> (y {count} problemas más)</source>
        <translation> (and {count} more problems)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/backups.py" line="149"/>
        <source>No se pudo escribir la copia de seguridad {path}: {error}</source>
        <translation>Could not write the backup {path}: {error}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/backups.py" line="176"/>
        <source>Esta computadora usa una base de datos PostgreSQL y no tiene el programa pg_dump. Instale las herramientas cliente de PostgreSQL (la misma versión del servidor) o pida al administrador del servidor que haga las copias con pg_dump.</source>
        <translation>This computer uses a PostgreSQL database and does not have the pg_dump program. Install the PostgreSQL client tools (the same version as the server) or ask the server administrator to make the backups with pg_dump.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/backups.py" line="205"/>
        <source>pg_dump no se pudo ejecutar: {error}</source>
        <translation>pg_dump could not be run: {error}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/backups.py" line="197"/>
        <source>pg_dump falló: {error}</source>
        <translation>pg_dump failed: {error}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/backups.py" line="133"/>
        <source>No se pudo crear la carpeta de copias {folder}: {reason}. Elija otra carpeta para las copias.</source>
        <translation>The backup folder {folder} could not be created: {reason}. Choose another folder for the backups.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/backups.py" line="306"/>
        <location filename="../../patolab_desktop/services/safety/pg_restoring.py" line="77"/>
        <source>El archivo de copia no existe: {path}</source>
        <translation>The backup file does not exist: {path}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/backups.py" line="312"/>
        <source>No se pudo abrir la copia {name}: {error}</source>
        <translation>Could not open the backup {name}: {error}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/backups.py" line="319"/>
        <source>El archivo {name} no es una copia válida de PatoLab (está dañado o no es una base de datos SQLite): {error}</source>
        <translation>The file {name} is not a valid PatoLab backup (it is damaged or not an SQLite database): {error}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/backups.py" line="342"/>
        <location filename="../../patolab_desktop/services/safety/pg_restoring.py" line="92"/>
        <source>El archivo {name} no es una base de datos de PatoLab.</source>
        <translation>The file {name} is not a PatoLab database.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/backups.py" line="351"/>
        <source>La copia {name} es de una versión más nueva del programa (esquema {version}, este programa: {current}). Actualice PatoLab Desktop antes de restaurarla.</source>
        <translation>The backup {name} comes from a newer version of the program (schema {version}, this program: {current}). Update PatoLab Desktop before restoring it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/restoring.py" line="104"/>
        <source>Una base de datos en memoria no se puede restaurar.</source>
        <translation>An in-memory database cannot be restored.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/backups.py" line="405"/>
        <source>Elija un archivo de copia, no la base de datos abierta.</source>
        <translation>Choose a backup file, not the open database.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/restoring.py" line="94"/>
        <source>La base de datos {name} es PostgreSQL: restáurela desde la línea de órdenes, con todos los puestos cerrados: patolab --db URL restore --user ADMINISTRADOR COPIA.dump (vea el README). Nunca con pg_restore a mano: los números de solicitud y de factura se volverían a dar.</source>
        <translation>The database {name} is PostgreSQL: restore it from the command line, with every desk closed: patolab --db URL restore --user ADMINISTRATOR BACKUP.dump (see the README). Never with pg_restore by hand: request and invoice numbers would be given again.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/restoring.py" line="108"/>
        <source>Hay un cambio en curso; termínelo antes de restaurar.</source>
        <translation>A change is in progress; finish it before restoring.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/restoring.py" line="201"/>
        <source>No se restauró nada: hay que aceptar expresamente que se pierdan esos documentos fiscales.</source>
        <translation>Nothing was restored: losing those fiscal documents must be accepted explicitly.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/restoring.py" line="254"/>
        <source>La base de datos está abierta en otra computadora o en otro programa: cierre PatoLab allí y vuelva a restaurar. No se cambió nada.</source>
        <translation>The database is open on another computer or in another program: close PatoLab there and restore again. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/restoring.py" line="273"/>
        <source>No se pudo restaurar la copia {name}: {error}. La base de datos actual no se modificó o puede recuperarse de la copia {safety}.</source>
        <translation>Could not restore the backup {name}: {error}. The current database was not changed, or it can be recovered from the backup {safety}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/later.py" line="130"/>
        <source>No se pudo comparar la copia {name} con la base de datos abierta: {error}. No se cambió nada.</source>
        <translation>The backup {name} could not be compared with the open database: {error}. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/later_text.py" line="21"/>
        <source> y {count} más</source>
        <translation> and {count} more</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/later_text.py" line="37"/>
        <source>No hay solicitudes, facturas, notas de crédito ni pagos posteriores a la copia.</source>
        <translation>There are no requests, invoices, credit notes or payments after the backup.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/later_text.py" line="43"/>
        <source>Se perderá lo registrado después de la copia:</source>
        <translation>What was entered after the backup will be lost:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/later_text.py" line="47"/>
        <source>Solicitudes</source>
        <translation>Requests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/later_text.py" line="53"/>
        <source>Facturas</source>
        <translation>Invoices</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/later_text.py" line="55"/>
        <source>Notas de crédito</source>
        <translation>Credit notes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/later_text.py" line="57"/>
        <source>Otros documentos fiscales</source>
        <translation>Other fiscal documents</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/later_text.py" line="61"/>
        <source>Anulaciones (la factura volvería a quedar vigente)</source>
        <translation>Voids (the invoice would be valid again)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/later_text.py" line="67"/>
        <source>• Pagos y abonos: {count} ({amount})</source>
        <translation>• Payments and account payments: {count} ({amount})</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/later_text.py" line="73"/>
        <source>Los números fiscales no se vuelven a usar: el informe de números no utilizados los mostrará como «Emitido antes de restaurar una copia» (o anulado), para que registre esas ventas de nuevo o las trate con su contador.</source>
        <translation>Fiscal numbers are not used again: the unused numbers report will show them as “Issued before a backup was restored” (or voided), so that you enter those sales again or deal with them with your accountant.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/later_text.py" line="91"/>
        <source>Anulaciones posteriores que se conservan</source>
        <translation>Later voids that are kept</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/later_text.py" line="98"/>
        <source>Notas de crédito posteriores que se conservan</source>
        <translation>Later credit notes that are kept</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/later_text.py" line="111"/>
        <source>Documentos fiscales emitidos después de la copia que la base restaurada no tiene: {numbers}. Sus números no se vuelven a usar y el informe de números no utilizados los muestra como «Emitido antes de restaurar una copia»: registre de nuevo esas ventas o trátelas con su contador.</source>
        <translation>Fiscal documents issued after the backup that the restored database does not have: {numbers}. Their numbers are not used again and the unused numbers report shows them as “Issued before a backup was restored”: enter those sales again or deal with them with your accountant.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/later_text.py" line="121"/>
        <source>Facturas anuladas después de la copia que vuelven a estar vigentes: {numbers}. Anúlelas de nuevo.</source>
        <translation>Invoices voided after the backup that are valid again: {numbers}. Void them again.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/later_text.py" line="130"/>
        <source>La copia es anterior a la clave de los números de identidad y esta computadora no tiene la clave de la base de datos que se reemplazó: la base restaurada tiene una clave NUEVA. La clave de recuperación impresa antes ya no sirve, y los números de identidad de las filas de auditoría conservadas no se pueden leer. Imprima la nueva clave de recuperación (Archivo → Clave de recuperación de identidades…) y guárdela fuera de esta computadora.</source>
        <translation>The backup is older than the identity number key and this computer does not have the key of the database that was replaced: the restored database has a NEW key. The recovery key printed before no longer works, and the identity numbers of the audit rows kept cannot be read. Print the new recovery key (File → Identity recovery key…) and keep it away from this computer.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/pg_restoring.py" line="62"/>
        <source>Esta computadora no tiene el programa pg_restore. Instale las herramientas cliente de PostgreSQL (la misma versión del servidor) y vuelva a restaurar.</source>
        <translation>This computer does not have the pg_restore program. Install the PostgreSQL client tools (the same version as the server) and restore again.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/pg_restoring.py" line="84"/>
        <source>El archivo {name} no es una copia de PostgreSQL (pg_dump -Fc, archivo .dump): {error}</source>
        <translation>The file {name} is not a PostgreSQL backup (pg_dump -Fc, .dump file): {error}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/pg_restoring.py" line="112"/>
        <source>En el servidor quedó la base de datos {previous} de una restauración interrumpida. Revísela con el administrador del servidor y bórrela (o devuélvale el nombre {live} si {live} no existe) antes de restaurar. No se cambió nada.</source>
        <translation>The database {previous} was left on the server by an interrupted restore. Check it with the server&apos;s administrator and drop it (or give it back the name {live} if {live} does not exist) before restoring. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/pg_restoring.py" line="145"/>
        <source>No se pudo restaurar en el servidor PostgreSQL: {error}. La base de datos actual no se modificó.</source>
        <translation>The restore on the PostgreSQL server failed: {error}. The current database was not changed.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/pg_restoring.py" line="159"/>
        <source>El usuario {user} no puede crear la base de datos {name} en el servidor ({error}). Restaure con el usuario dueño de la base de datos, con permiso CREATEDB (ALTER ROLE {user} CREATEDB), o con el administrador del servidor: patolab --db postgresql://administrador@servidor/base restore ARCHIVO. No se cambió nada.</source>
        <translation>The user {user} cannot create the database {name} on the server ({error}). Restore as the user who owns the database, with the CREATEDB permission (ALTER ROLE {user} CREATEDB), or as the server&apos;s administrator: patolab --db postgresql://administrator@server/database restore FILE. Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/pg_restoring.py" line="182"/>
        <source>pg_restore no se pudo ejecutar: {error}</source>
        <translation>pg_restore could not be run: {error}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/pg_restoring.py" line="188"/>
        <source>pg_restore falló: {error}. La base de datos actual no se modificó.</source>
        <translation>pg_restore failed: {error}. The current database was not changed.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/pg_restoring.py" line="224"/>
        <source>La base de datos {name} está abierta en otra computadora o en otro programa: cierre PatoLab en las demás computadoras y vuelva a restaurar. No se cambió nada.</source>
        <translation>The database {name} is open on another computer or in another program: close PatoLab on the other computers and restore again. Nothing was changed.</translation>
    </message>
</context>
<context>
    <name>services.billing</name>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="68"/>
        <source>{first} al {last}</source>
        <translation>{first} to {last}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="91"/>
        <source>Debe tener exactamente 3 dígitos (por ejemplo 001).</source>
        <translation>It must have exactly 3 digits (for example 001).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="103"/>
        <source>Debe ser un correlativo entre 1 y 99999999.</source>
        <translation>It must be a sequence number from 1 to 99999999.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="116"/>
        <source>Escriba la fecha límite como AAAA-MM-DD.</source>
        <translation>Type the deadline as YYYY-MM-DD.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="127"/>
        <source>Escriba el CAI tal como lo entregó el SAR.</source>
        <translation>Type the CAI exactly as SAR issued it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="129"/>
        <source>El CAI solo lleva dígitos, letras A–F y guiones (como lo da el SAR).</source>
        <translation>A CAI has only digits, letters A–F and hyphens (as SAR gives it).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="137"/>
        <source>Tipo de documento: 01 Factura, 06 Nota de Crédito o 07 Nota de Débito.</source>
        <translation>Document type: 01 Invoice, 06 Credit note or 07 Debit note.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="144"/>
        <source>El rango termina antes de empezar.</source>
        <translation>The range ends before it starts.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="148"/>
        <source>La fecha límite de emisión ya pasó.</source>
        <translation>The issuing deadline has already passed.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="152"/>
        <source>La fecha límite de emisión es de un año como máximo.</source>
        <translation>The issuing deadline is one year at most.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="156"/>
        <source>Elija la sucursal (establecimiento) de la autorización.</source>
        <translation>Choose the branch (establishment) of the authorisation.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="236"/>
        <source>Ya hay una autorización activa para {key} (CAI {cai}, {used} de {size} números usados). Su renovación se registra antes si su rango empieza en {next}, justo después (queda en espera, una sola); si no, ciérrela primero o espere a que se agote o venza.</source>
        <translation>There is already an active authorisation for {key} (CAI {cai}, {used} of {size} numbers used). Its renewal can be registered ahead if its range starts at {next}, right after it (it then waits; only one); otherwise close it first or wait until it runs out or expires.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="255"/>
        <source>reemplazada por una nueva autorización</source>
        <translation>replaced by a new authorisation</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="260"/>
        <source>El rango se cruza con el de otra autorización del mismo punto y tipo ({first}–{last}): la numeración continúa, no se repite.</source>
        <translation>The range overlaps another authorisation of the same point and type ({first}–{last}): numbering continues, it never repeats.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="269"/>
        <source>Ese CAI ya está registrado.</source>
        <translation>That CAI is already registered.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/fiscal_handover.py" line="84"/>
        <source>agotada o vencida; la numeración sigue con el CAI {cai}</source>
        <translation>used up or expired; the numbering continues with CAI {cai}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="287"/>
        <source>Escriba el motivo del cierre.</source>
        <translation>Type the reason for closing it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="292"/>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="315"/>
        <source>la autorización</source>
        <translation>the authorisation</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="294"/>
        <source>La autorización ya estaba cerrada.</source>
        <translation>The authorisation was already closed.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="321"/>
        <source>La autorización ya emitió números: sus datos no se pueden cambiar.</source>
        <translation>The authorisation has already issued numbers: its data cannot change.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="328"/>
        <source>La autorización está cerrada: sus datos no se pueden cambiar. Registre la autorización correcta.</source>
        <translation>The authorisation is closed: its data cannot be changed. Register the correct authorisation.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="342"/>
        <source>Una renovación en espera empieza justo después de la autorización activa ({first}): ese inicio no se cambia.</source>
        <translation>A waiting renewal starts right after the active authorisation ({first}): that start cannot be changed.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="353"/>
        <source>La renovación en espera (CAI {cai}) continúa esta numeración desde {next}: ciérrela antes de cambiar el punto, el tipo o el final del rango.</source>
        <translation>The waiting renewal (CAI {cai}) continues this numbering from {next}: close it before changing the point, the type or the end of the range.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/fiscal_handover.py" line="54"/>
        <source>La autorización no existe.</source>
        <translation>The authorisation does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="429"/>
        <source>La autorización {key} venció el {date}: no se puede emitir.</source>
        <translation>Authorisation {key} expired on {date}: nothing can be issued with it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="435"/>
        <source>La autorización {key} vence el {date} (en {days} días): pida una nueva al SAR.</source>
        <translation>Authorisation {key} expires on {date} (in {days} days): ask SAR for a new one.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="442"/>
        <source>La autorización {key} agotó su rango: no se puede emitir.</source>
        <translation>Authorisation {key} has used its whole range: nothing can be issued with it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="448"/>
        <source>La autorización {key} ya usó {used} de {size} números ({percent} %): pida una nueva al SAR.</source>
        <translation>Authorisation {key} has used {used} of {size} numbers ({percent} %): ask SAR for a new one.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="497"/>
        <source>No hay una autorización (CAI) activa para emitir {kind} en el punto de emisión {point} de esta sucursal. Un administrador debe registrarla en el menú Facturación → Autorizaciones fiscales (CAI).</source>
        <translation>There is no active authorisation (CAI) to issue {kind} at issuing point {point} of this branch. An administrator must register it in the menu Billing → Fiscal authorisations (CAI).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="506"/>
        <source>La autorización de {kind} (CAI {cai}) venció el {date}: no se puede emitir con ella. Registre la nueva autorización del SAR.</source>
        <translation>The {kind} authorisation (CAI {cai}) expired on {date}: nothing can be issued with it. Register the new SAR authorisation.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/authorisations.py" line="514"/>
        <source>La autorización de {kind} (CAI {cai}) agotó su rango (hasta {last}): no se puede emitir con ella. Registre la nueva autorización del SAR.</source>
        <translation>The {kind} authorisation (CAI {cai}) has used its whole range (up to {last}): nothing can be issued with it. Register the new SAR authorisation.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/buyers.py" line="100"/>
        <source>El documento del comprador es un RTN de 14 dígitos, una identidad de 13 o un pasaporte.</source>
        <translation>The buyer&apos;s document is a 14-digit RTN, a 13-digit identity number or a passport.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/buyers.py" line="123"/>
        <source>Un comprador exonerado necesita el número de la Orden de Compra Exenta y la Constancia del Registro de Exonerados.</source>
        <translation>An exonerated buyer needs the Exempt Purchase Order number and the Exonerated Register certificate.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/buyers.py" line="140"/>
        <source>Una factura de más de {limit} no puede ir a CONSUMIDOR FINAL: escriba el nombre y el RTN o la identidad del comprador.</source>
        <translation>An invoice above {limit} cannot go to CONSUMIDOR FINAL: type the buyer&apos;s name and RTN or identity number.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/buyers.py" line="152"/>
        <source>Un comprador exonerado necesita su RTN en la factura.</source>
        <translation>An exonerated buyer needs their RTN on the invoice.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/cash.py" line="49"/>
        <source>Escriba un monto válido (por ejemplo 500.00).</source>
        <translation>Type a valid amount (for example 500.00).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/cash.py" line="95"/>
        <source>Su caja ya está abierta. Ciérrela antes de abrir otra.</source>
        <translation>Your cash drawer is already open. Close it before opening another.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/cash.py" line="123"/>
        <source>Abra su caja (Caja → Abrir caja) antes de cobrar: cada pago va a su cuadre.</source>
        <translation>Open your cash drawer (Cash → Open cash) before taking payments: every payment goes to its close.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/cash.py" line="158"/>
        <source>Denominación desconocida: {face}.</source>
        <translation>Unknown denomination: {face}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/cash.py" line="168"/>
        <location filename="../../patolab_desktop/services/billing/cash.py" line="176"/>
        <source>Cuente cada denominación con un número entero.</source>
        <translation>Count each denomination with a whole number.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/cash.py" line="198"/>
        <source>No tiene una caja abierta.</source>
        <translation>You have no open cash drawer.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/cash.py" line="210"/>
        <source>Lo contado no coincide con lo esperado (diferencia {difference}): escriba una nota que lo explique.</source>
        <translation>What was counted does not match what was expected (difference {difference}): write a note that explains it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/cash.py" line="244"/>
        <location filename="../../patolab_desktop/services/billing/cash.py" line="313"/>
        <source>La caja no existe.</source>
        <translation>The cash session does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/cash.py" line="247"/>
        <source>la caja</source>
        <translation>the cash session</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/cash.py" line="250"/>
        <source>Solo se confirma una caja cerrada (esta está {status}).</source>
        <translation>Only a closed cash session can be confirmed (this one is {status}).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/cash.py" line="256"/>
        <source>Otra persona (un supervisor) debe confirmar su propio cierre.</source>
        <translation>Someone else (a supervisor) must confirm your own close.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/cash.py" line="271"/>
        <source>abierta</source>
        <translation>open</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/cash.py" line="272"/>
        <source>cerrada</source>
        <translation>closed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/cash.py" line="273"/>
        <source>confirmada</source>
        <translation>confirmed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/cash.py" line="316"/>
        <source>Solo ve el cierre de su propia caja.</source>
        <translation>You only see the close of your own cash drawer.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="70"/>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="296"/>
        <source>La factura no existe.</source>
        <translation>The invoice does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="97"/>
        <source>Alguna investigación elegida no está en la factura {number}.</source>
        <translation>Some chosen investigation is not on invoice {number}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="115"/>
        <source>Alguna de esas investigaciones ya tiene su nota de crédito.</source>
        <translation>Some of those investigations already have their credit note.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="123"/>
        <source>Clase de impuesto desconocida.</source>
        <translation>Unknown tax class.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="133"/>
        <source>Escriba el monto a acreditar (por ejemplo 150.00).</source>
        <translation>Type the amount to credit (for example 150.00).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="141"/>
        <source>El monto a acreditar debe ser mayor que cero.</source>
        <translation>The amount to credit must be greater than zero.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="165"/>
        <source>exento</source>
        <extracomment>the amounts of a factura before ISV that a note credits, in the order a message lists them</extracomment>
        <translation>exempt</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="166"/>
        <source>exonerado</source>
        <translation>exonerated</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="167"/>
        <source>al 15 %</source>
        <translation>at 15 %</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="168"/>
        <source>al 18 %</source>
        <translation>at 18 %</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="201"/>
        <source>La factura {number} ya no tiene nada por acreditar.</source>
        <translation>Invoice {number} has nothing left to credit.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="205"/>
        <source>La factura {number} ya tiene notas de crédito: acredite lo que falta como un monto (antes de ISV) por cada tasa: {rest}.</source>
        <translation>Invoice {number} already has credit notes: credit what is left as an amount (before ISV) for each rate: {rest}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="229"/>
        <source>A la factura {number} le quedan {left} {rate} por acreditar (antes de ISV): la nota de crédito no puede acreditar {amount} {rate}.</source>
        <translation>Invoice {number} has {left} {rate} left to credit (before ISV): the credit note cannot credit {amount} {rate}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="269"/>
        <source>Escriba el motivo de la nota de crédito (al menos 5 caracteres).</source>
        <translation>Type the reason for the credit note (at least 5 characters).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="273"/>
        <source>Escriba el nombre de quien recibe la nota de crédito.</source>
        <translation>Type the name of the person who receives the credit note.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="277"/>
        <source>Escriba el documento de quien la recibe.</source>
        <translation>Type the document of the person who receives it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="281"/>
        <source>Elija qué se hace con el dinero.</source>
        <translation>Choose what happens to the money.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="283"/>
        <source>Elija cómo se devuelve el dinero.</source>
        <translation>Choose how the money is given back.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="285"/>
        <source>Elija las investigaciones o escriba el monto a acreditar.</source>
        <translation>Choose the investigations or type the amount to credit.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="300"/>
        <source>La factura {number} está anulada: no lleva notas de crédito.</source>
        <translation>Invoice {number} is void: it takes no credit notes.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="314"/>
        <source>La nota de crédito ({amount}) pasa de lo que queda de la factura {number} ({left}).</source>
        <translation>The credit note ({amount}) is more than what is left of invoice {number} ({left}).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="327"/>
        <source>Solo se rebajan {owed} que aún se deben de la factura {number}: devuelva el resto o déjelo como saldo a favor.</source>
        <translation>Only the {owed} still owed on invoice {number} can be lowered: give the rest back or keep it as a credit balance.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="337"/>
        <source>Solo se pagaron {paid} de la factura {number}: no se devuelve más de lo pagado. Rebaje lo que se debe.</source>
        <translation>Only {paid} of invoice {number} was paid: no more than was paid is given back. Lower what is owed.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="346"/>
        <source>La factura no tiene cliente: no puede quedar saldo a favor.</source>
        <translation>The invoice has no customer: no credit balance can be kept.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="395"/>
        <source>nota de crédito {number}</source>
        <translation>credit note {number}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/credit_notes.py" line="408"/>
        <source>Nota de crédito {number} ({total}): {reason}</source>
        <translation>Credit note {number} ({total}): {reason}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/invoices.py" line="60"/>
        <location filename="../../patolab_desktop/services/billing/invoices.py" line="183"/>
        <source>La solicitud no existe.</source>
        <translation>The request does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/invoices.py" line="112"/>
        <source>Una factura es para un solo cliente: estas solicitudes se cobran a clientes distintos.</source>
        <translation>An invoice is for one customer: these requests are charged to different customers.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/invoices.py" line="121"/>
        <source>El cliente a quien se factura no existe.</source>
        <translation>The customer being invoiced does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/invoices.py" line="131"/>
        <source>La empresa que paga no existe o está desactivada.</source>
        <translation>The paying company does not exist or is deactivated.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/invoices.py" line="138"/>
        <source>{name} no tiene crédito autorizado: cobre el total o pida a un administrador que registre su límite de crédito.</source>
        <translation>{name} has no authorised credit: take the whole payment, or ask an administrator to register its credit limit.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/invoices.py" line="149"/>
        <source>El crédito de {name} no alcanza: debe {owed}, el límite es {limit} y esta factura deja {amount} a crédito.</source>
        <translation>{name}&apos;s credit is not enough: it owes {owed}, the limit is {limit} and this invoice leaves {amount} on credit.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/invoices.py" line="256"/>
        <source>Elija al menos una solicitud para facturar.</source>
        <translation>Choose at least one request to invoice.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/invoices.py" line="263"/>
        <source>Una solicitud aparece dos veces.</source>
        <translation>A request appears twice.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/invoices.py" line="271"/>
        <source>La solicitud {number} está cancelada: no se factura.</source>
        <translation>Request {number} is cancelled: it is not invoiced.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/invoices.py" line="279"/>
        <source>La solicitud {request} ya está facturada en la factura {number}.</source>
        <translation>Request {request} is already invoiced on invoice {number}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/invoices.py" line="291"/>
        <source>Las solicitudes no tienen investigaciones que cobrar.</source>
        <translation>The requests have no investigations to charge.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/invoices.py" line="298"/>
        <source>El total es L 0.00: no hay nada que facturar.</source>
        <translation>The total is L 0.00: there is nothing to invoice.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/payments.py" line="245"/>
        <source>{name} tiene {balance} de saldo a favor.</source>
        <translation>{name} has {balance} of credit balance.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/invoices.py" line="341"/>
        <source>Facturada: {number} ({total})</source>
        <translation>Invoiced: {number} ({total})</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/payments.py" line="60"/>
        <source>Escriba un monto válido (por ejemplo 250.00).</source>
        <extracomment>what identifies how a payment was made (card, transfer, cheque), copied by its reversal methods with no change to give: what they pay beyond an abono&apos;s debt is the customer&apos;s saldo a favor (cash gives change instead; the saldo a favor cannot make more saldo)</extracomment>
        <translation>Type a valid amount (for example 250.00).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/payments.py" line="84"/>
        <source>Forma de pago desconocida: use efectivo, tarjeta, transferencia, cheque o saldo.</source>
        <translation>Unknown payment method: use cash, card, transfer, cheque or balance.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/payments.py" line="91"/>
        <source>El monto de cada pago debe ser mayor que cero.</source>
        <translation>Each payment&apos;s amount must be greater than zero.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/payments.py" line="102"/>
        <source>El efectivo recibido ({received}) es menor que el monto en efectivo ({amount}).</source>
        <translation>The cash received ({received}) is less than the cash amount ({amount}).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/payments.py" line="112"/>
        <source>Escriba los últimos 4 dígitos de la tarjeta.</source>
        <translation>Type the card&apos;s last 4 digits.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/payments.py" line="116"/>
        <source>Un pago con tarjeta necesita el código de autorización del voucher.</source>
        <translation>A card payment needs the authorisation code from the voucher.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/payments.py" line="124"/>
        <source>Escriba el banco del pago con {method}.</source>
        <translation>Type the bank of the {method} payment.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/payments.py" line="129"/>
        <source>Escriba la referencia de la transferencia.</source>
        <translation>Type the transfer&apos;s reference.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/payments.py" line="131"/>
        <source>Escriba el número del cheque.</source>
        <translation>Type the cheque number.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/payments.py" line="141"/>
        <source>Los pagos ({paid}) suman más que la deuda ({total}). Solo lo pagado con tarjeta, transferencia o cheque puede quedar como saldo a favor; para dar cambio, escriba el efectivo recibido aparte del monto.</source>
        <translation>The payments ({paid}) add up to more than the debt ({total}). Only what is paid by card, transfer or cheque can be kept as credit balance; to give change, type the cash received apart from the amount.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/payments.py" line="152"/>
        <source>Los pagos ({paid}) suman más que el total ({total}). Para dar cambio, escriba el efectivo recibido aparte del monto.</source>
        <translation>The payments ({paid}) add up to more than the total ({total}). To give change, type the cash received apart from the amount.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/payments.py" line="162"/>
        <source>Los pagos ({paid}) no cubren el total ({total}): faltan {missing}.</source>
        <translation>The payments ({paid}) do not cover the total ({total}): {missing} missing.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/payments.py" line="207"/>
        <source>usado como pago</source>
        <translation>used as payment</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/records.py" line="47"/>
        <location filename="../../patolab_desktop/services/billing/records.py" line="230"/>
        <source>El documento no existe.</source>
        <translation>The document does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/records.py" line="58"/>
        <source>Un número fiscal tiene 16 dígitos: EEE-PPP-TT-NNNNNNNN.</source>
        <translation>A fiscal number has 16 digits: EEE-PPP-TT-NNNNNNNN.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/records.py" line="67"/>
        <source>No hay un documento con el número {number}.</source>
        <translation>There is no document numbered {number}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/records.py" line="93"/>
        <source>la razón social</source>
        <translation>the legal name</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/records.py" line="94"/>
        <source>el RTN del laboratorio</source>
        <translation>the lab&apos;s RTN</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/records.py" line="95"/>
        <source>la dirección de la casa matriz</source>
        <translation>the head office&apos;s address</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/records.py" line="96"/>
        <source>el teléfono del laboratorio</source>
        <translation>the laboratory&apos;s phone</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/records.py" line="97"/>
        <source>el correo del laboratorio</source>
        <translation>the laboratory&apos;s e-mail</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/records.py" line="113"/>
        <source>Falta {missing} en la configuración del laboratorio (menú Archivo → Configuración del laboratorio): la factura debe llevarlo. Pida a un administrador que lo registre.</source>
        <translation>{missing} is missing from the laboratory settings (menu File → Laboratory settings): the invoice must carry it. Ask an administrator to enter it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/records.py" line="284"/>
        <source>Factura {number} anulada: {reason}</source>
        <translation>Invoice {number} voided: {reason}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/records.py" line="315"/>
        <source>La factura {number} es del {date}: una factura solo se anula en el mes en que se emitió (ese mes ya está declarado en el libro de ventas). Emita una nota de crédito por ella.</source>
        <translation>Invoice {number} is of {date}: an invoice is voided only in the month it was issued (that month is already declared in the sales book). Issue a credit note for it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/records.py" line="344"/>
        <source>La factura {number} está pagada: al anularla, lo cobrado ({amount}) se devuelve desde su caja, y usted no tiene una caja abierta (la caja en que se cobró ya se cerró). Abra su caja (Caja → Abrir caja…) y vuelva a anularla.</source>
        <translation>Invoice {number} is paid: voiding it gives back what was charged ({amount}) from your cash drawer, and you have no open cash (the one that took the payment is already closed). Open your cash (Cash → Open cash…) and void it again.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/records.py" line="222"/>
        <source>Escriba el motivo de la anulación (al menos 5 caracteres).</source>
        <translation>Type the reason for voiding it (at least 5 characters).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/records.py" line="234"/>
        <source>El documento {number} ya está anulado.</source>
        <translation>Document {number} is already void.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/records.py" line="239"/>
        <source>Solo se anulan facturas.</source>
        <translation>Only invoices can be voided.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/records.py" line="248"/>
        <source>La factura {number} ya tiene una nota de crédito: no se puede anular. Haga otra nota de crédito por lo que falte.</source>
        <translation>Invoice {number} already has a credit note: it cannot be voided. Issue another credit note for what is left.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/records.py" line="260"/>
        <source>devuelto al anular {number}</source>
        <translation>given back when {number} was voided</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/reports.py" line="40"/>
        <source>Escriba el mes como AAAA-MM (por ejemplo 2026-11).</source>
        <translation>Type the month as YYYY-MM (for example 2026-11).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/reports.py" line="48"/>
        <source>El año del mes debe estar entre {first} y {last}.</source>
        <translation>The year of the month must be between {first} and {last}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/reports.py" line="110"/>
        <location filename="../../patolab_desktop/services/billing/reports.py" line="197"/>
        <source>ANULADA</source>
        <translation>VOID</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/reports.py" line="112"/>
        <source>emitida</source>
        <translation>issued</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/reports.py" line="123"/>
        <source>sí</source>
        <translation>yes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/reports.py" line="125"/>
        <source>no</source>
        <translation>no</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/reports.py" line="199"/>
        <source>VIGENTE</source>
        <translation>VALID</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/reports.py" line="203"/>
        <source>TOTALES</source>
        <translation>TOTALS</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/reports.py" line="341"/>
        <source>salto</source>
        <translation>gap</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/reports.py" line="348"/>
        <source>anulado</source>
        <translation>void</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/reports.py" line="351"/>
        <source>emitido antes de restaurar una copia</source>
        <translation>issued before a backup was restored</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/reports.py" line="355"/>
        <source>anulado antes de restaurar una copia</source>
        <translation>voided before a backup was restored</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/reports.py" line="377"/>
        <source>sobrante al vencer o cerrar</source>
        <translation>left over at expiry or close</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/statements.py" line="61"/>
        <location filename="../../patolab_desktop/services/billing/statements.py" line="153"/>
        <source>El cliente no existe.</source>
        <translation>The customer does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/statements.py" line="64"/>
        <source>Solo una empresa tiene crédito.</source>
        <translation>Only a company has credit.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/statements.py" line="69"/>
        <source>Escriba el límite de crédito (por ejemplo 50000.00).</source>
        <translation>Type the credit limit (for example 50000.00).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/statements.py" line="79"/>
        <source>Los días de crédito van de 1 a 365.</source>
        <translation>Credit days go from 1 to 365.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/statements.py" line="86"/>
        <location filename="../../patolab_desktop/services/billing/statements.py" line="93"/>
        <source>el crédito de la empresa</source>
        <translation>the company&apos;s credit</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/statements.py" line="251"/>
        <source>El cliente no debe nada a crédito.</source>
        <translation>The customer owes nothing on credit.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/statements.py" line="256"/>
        <source>Escriba el monto del abono.</source>
        <translation>Type the amount of the payment on account.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/statements.py" line="300"/>
        <source>abono mayor que la deuda</source>
        <translation>payment on account larger than the debt</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/refund_drawer.py" line="38"/>
        <source>La caja en que se cobró la factura {number} ya se cerró: la devolución sale de su caja, y usted no tiene una caja abierta. Abra su caja (Caja → Abrir caja…) o deje el dinero como saldo a favor.</source>
        <translation>The cash drawer where invoice {number} was paid is already closed: the refund comes from your drawer, and you have no open drawer. Open your drawer (Cash → Open cash…) or keep the money as a credit balance.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/refund_drawer.py" line="55"/>
        <source>La devolución sale de su caja.</source>
        <translation>The refund comes from your cash drawer.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/billing/refund_drawer.py" line="56"/>
        <source>La devolución sale de la caja de {user}, donde se cobró la factura (sigue abierta): tome el dinero de esa caja.</source>
        <translation>The refund comes from {user}&apos;s cash drawer, where the invoice was paid (still open): take the money from that drawer.</translation>
    </message>
</context>
<context>
    <name>services.branches</name>
    <message>
        <location filename="../../patolab_desktop/services/catalog/branches.py" line="97"/>
        <source>La sucursal {id} no existe.</source>
        <translation>Branch {id} does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/branches.py" line="102"/>
        <source>El código {code} ya existe.</source>
        <translation>The code {code} already exists.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/branches.py" line="36"/>
        <source>Escriba el nombre de la sucursal.</source>
        <translation>Enter the branch name.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/branches.py" line="37"/>
        <source>El nombre admite como máximo {max} caracteres.</source>
        <translation>The name can have at most {max} characters.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/branches.py" line="157"/>
        <source>Escriba el código de la sucursal (por ejemplo SPS).</source>
        <translation>Enter the branch code (for example SPS).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/branches.py" line="161"/>
        <source>El código lleva de 2 a 10 letras mayúsculas sin tilde o números.</source>
        <translation>The code has 2 to 10 capital letters without accents or digits.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/branches.py" line="165"/>
        <source>El código {code} ya lo usa la sucursal «{name}».</source>
        <translation>The code {code} is already used by the branch “{name}”.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/branches.py" line="235"/>
        <source>Falta la sucursal a modificar.</source>
        <translation>The branch to change is missing.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/branches.py" line="246"/>
        <source>El código no se puede cambiar: 1 solicitud ya lleva el número con «{code}».</source>
        <translation>The code cannot be changed: 1 request already has a number with “{code}”.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/branches.py" line="252"/>
        <source>El código no se puede cambiar: {count} solicitudes ya llevan el número con «{code}».</source>
        <translation>The code cannot be changed: {count} requests already have a number with “{code}”.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/branches.py" line="277"/>
        <source>la sucursal «{name}»</source>
        <translation>the branch “{name}”</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/branches.py" line="283"/>
        <source>No se puede desactivar la sucursal predeterminada. Elija antes otra sucursal como predeterminada.</source>
        <translation>The default branch cannot be deactivated. First choose another branch as the default.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/branches.py" line="317"/>
        <source>La sucursal «{name}» está desactivada; reactívela primero.</source>
        <translation>The branch “{name}” is deactivated; reactivate it first.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/branches.py" line="371"/>
        <source>No existe la sucursal con código «{code}».</source>
        <translation>There is no branch with the code “{code}”.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/branches.py" line="186"/>
        <source>El municipio no pertenece al departamento elegido.</source>
        <translation>The municipality is not in the chosen department.</translation>
    </message>
</context>
<context>
    <name>services.catalog</name>
    <message>
        <location filename="../../patolab_desktop/services/catalog/values.py" line="53"/>
        <source>El precio no es un número: «{value}».</source>
        <translation>The price is not a number: “{value}”.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/values.py" line="60"/>
        <source>La investigación {id} no existe.</source>
        <translation>Test {id} does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/values.py" line="73"/>
        <source>El precio debe ser un número decimal exacto, no de coma flotante.</source>
        <translation>The price must be an exact decimal number, not a floating-point one.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/values.py" line="79"/>
        <source>Escriba el precio.</source>
        <translation>Enter the price.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/values.py" line="90"/>
        <source>Escriba el precio con punto decimal; la coma solo separa miles (por ejemplo 1,250.50).</source>
        <translation>Type the price with a decimal point; a comma only separates thousands (for example 1,250.50).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/values.py" line="103"/>
        <source>El precio no puede ser negativo.</source>
        <translation>The price cannot be negative.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/values.py" line="105"/>
        <source>El precio admite como máximo 3 decimales.</source>
        <translation>The price can have at most 3 decimals.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/values.py" line="107"/>
        <source>El precio es demasiado grande.</source>
        <translation>The price is too large.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/reading.py" line="54"/>
        <source>No existe la investigación con código «{code}».</source>
        <translation>There is no test with the code “{code}”.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/panels.py" line="18"/>
        <source>Se formaría un ciclo de perfiles: {chain}. Un perfil no puede contenerse a sí mismo.</source>
        <translation>This would create a cycle of profiles: {chain}. A profile cannot contain itself.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/panels.py" line="29"/>
        <source>Una investigación aparece dos veces en el perfil.</source>
        <translation>A test appears twice in the profile.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/panels.py" line="31"/>
        <source>Un perfil no puede contenerse a sí mismo.</source>
        <translation>A profile cannot contain itself.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/panels.py" line="35"/>
        <source>No existen las investigaciones {ids}.</source>
        <translation>The tests {ids} do not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/panels.py" line="40"/>
        <source>Solo se pueden agregar investigaciones activas; están desactivadas: {codes}.</source>
        <translation>Only active tests can be added; these are deactivated: {codes}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/investigations.py" line="85"/>
        <source>Escriba el código de la investigación.</source>
        <translation>Enter the test code.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/investigations.py" line="87"/>
        <source>El código admite hasta 20 letras sin tilde, números, punto, guion o guion bajo, sin espacios.</source>
        <translation>The code can have up to 20 letters without accents, digits, dots, hyphens or underscores, without spaces.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/investigations.py" line="93"/>
        <source>El código {code} ya lo tiene «{name}».</source>
        <translation>The code {code} is already used by “{name}”.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/investigations.py" line="46"/>
        <source>Escriba el nombre de la investigación.</source>
        <translation>Enter the test name.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/investigations.py" line="47"/>
        <source>El nombre admite como máximo {max} caracteres.</source>
        <translation>The name can have at most {max} characters.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/investigations.py" line="99"/>
        <source>El tipo de muestra admite como máximo {max} caracteres.</source>
        <translation>The sample type can have at most {max} characters.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/investigations.py" line="108"/>
        <source>Clase de impuesto: exento, gravado 15 % o gravado 18 %.</source>
        <translation>Tax class: exempt, taxed 15 % or taxed 18 %.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/investigations.py" line="113"/>
        <source>Un perfil necesita al menos una investigación.</source>
        <translation>A profile needs at least one test.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/investigations.py" line="130"/>
        <source>El código {code} ya existe.</source>
        <translation>The code {code} already exists.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/investigations.py" line="173"/>
        <source>Falta la investigación a modificar.</source>
        <translation>The test to change is missing.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/investigations.py" line="192"/>
        <source>Otra persona modificó esta investigación mientras usted la editaba. Cierre el diálogo y ábralo de nuevo para ver los datos actuales.</source>
        <translation>Someone else changed this test while you were editing it. Close the dialog and open it again to see the current data.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/investigations.py" line="246"/>
        <source>No se puede desactivar {code}: forma parte de los perfiles activos {panels}. Quítela primero de esos perfiles (o desactívelos).</source>
        <translation>{code} cannot be deactivated: it is part of the active profiles {panels}. First remove it from those profiles (or deactivate them).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/investigations.py" line="259"/>
        <source>No se puede reactivar el perfil {code}: sus miembros {members} están desactivados. Reactívelos primero.</source>
        <translation>The profile {code} cannot be reactivated: its members {members} are deactivated. Reactivate them first.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv.py" line="86"/>
        <source>Se importaron {rows} filas: {created} nuevas, {updated} modificadas, {unchanged} sin cambios.</source>
        <translation>Imported {rows} rows: {created} new, {updated} changed, {unchanged} unchanged.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv.py" line="92"/>
        <source>Se pueden importar {rows} filas: {created} nuevas, {updated} modificadas, {unchanged} sin cambios.</source>
        <translation>{rows} rows can be imported: {created} new, {updated} changed, {unchanged} unchanged.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv.py" line="120"/>
        <source>{rejected} de {rows} filas tienen errores; no se importó nada:</source>
        <translation>{rejected} of {rows} rows have errors; nothing was imported:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv.py" line="128"/>
        <source>línea {line}{code}: {reason}</source>
        <translation>line {line}{code}: {reason}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="180"/>
        <source>No se encontró el archivo {path}.</source>
        <translation>The file {path} was not found.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="188"/>
        <source>El archivo pasa de 5 MB; divídalo en partes.</source>
        <translation>The file is larger than 5 MB; split it into parts.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="148"/>
        <source>El archivo está vacío.</source>
        <translation>The file is empty.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="35"/>
        <source>tipo de muestra</source>
        <translation>sample type</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="36"/>
        <source>miembros del perfil</source>
        <translation>panel members</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="37"/>
        <source>activa</source>
        <translation>active</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="38"/>
        <source>impuesto</source>
        <translation>tax</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="79"/>
        <source>Se canceló la importación: no se guardó ningún cambio.</source>
        <translation>The import was cancelled: no change was saved.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv.py" line="107"/>
        <source>El archivo no trae las columnas {columns}: las investigaciones que ya existen las conservan como están.</source>
        <translation>The file does not have the columns {columns}: investigations that already exist keep them as they are.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="153"/>
        <source>El archivo no es un CSV válido: {error}</source>
        <translation>The file is not a valid CSV: {error}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="196"/>
        <source>Faltan columnas en el encabezado: {columns}. Se esperan: code,name,sample_type,price,panel_members.</source>
        <translation>Columns missing from the header: {columns}. Expected: code,name,sample_type,price,panel_members.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="228"/>
        <source>fila CSV mal formada: {error}</source>
        <translation>malformed CSV row: {error}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="255"/>
        <source>falta el código</source>
        <translation>the code is missing</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="258"/>
        <source>código no válido «{code}» (letras sin tilde, números, . - _)</source>
        <translation>invalid code “{code}” (letters without accents, digits, . - _)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="264"/>
        <source>falta el nombre</source>
        <translation>the name is missing</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="267"/>
        <source>el nombre pasa de {max} caracteres</source>
        <translation>the name is longer than {max} characters</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="273"/>
        <source>el tipo de muestra pasa de {max} caracteres</source>
        <translation>the sample type is longer than {max} characters</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="281"/>
        <source>falta el precio</source>
        <translation>the price is missing</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="293"/>
        <source>valor de «active» no reconocido «{value}» (use 1 o 0)</source>
        <translation>unrecognised value of “active”: “{value}” (use 1 or 0)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="302"/>
        <source>impuesto no reconocido «{value}» (use exento, gravado15 o gravado18)</source>
        <translation>unrecognised tax “{value}” (use exento, gravado15 or gravado18)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="311"/>
        <source>un miembro del perfil aparece dos veces</source>
        <translation>a profile member appears twice</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv_rows.py" line="315"/>
        <source>un perfil no puede contenerse a sí mismo</source>
        <translation>a profile cannot contain itself</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv.py" line="186"/>
        <source>código repetido en el archivo (ya está en la línea {line})</source>
        <translation>code repeated in the file (already on line {line})</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv.py" line="220"/>
        <source>el miembro «{code}» no existe en el catálogo ni en el archivo</source>
        <translation>the member “{code}” is neither in the catalogue nor in the file</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv.py" line="227"/>
        <source>el miembro «{code}» tiene errores (línea {line})</source>
        <translation>the member “{code}” has errors (line {line})</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv.py" line="235"/>
        <source>miembros desactivados: {codes}</source>
        <translation>deactivated members: {codes}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv.py" line="245"/>
        <source>ciclo de perfiles: {chain}</source>
        <translation>cycle of profiles: {chain}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv.py" line="260"/>
        <source>no se puede desactivar: forma parte de los perfiles activos {panels}</source>
        <translation>cannot be deactivated: it is part of the active profiles {panels}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/catalog_csv.py" line="310"/>
        <source>Otra persona cambió el catálogo durante la importación: {error}</source>
        <translation>Someone else changed the catalogue during the import: {error}</translation>
    </message>
</context>
<context>
    <name>services.customers</name>
    <message>
        <location filename="../../patolab_desktop/services/customers/types.py" line="47"/>
        <source>Otro usuario modificó este cliente después de que usted lo abrió. Vuelva a abrirlo para ver los datos actuales.</source>
        <translation>Another user changed this customer after you opened it. Open it again to see the current data.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/formats.py" line="156"/>
        <source>El teléfono no es un número válido.</source>
        <translation>The phone is not a valid number.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/formats.py" line="160"/>
        <source>El teléfono no es un número válido (p. ej. 9988-7766 o +504 9988-7766).</source>
        <translation>The phone is not a valid number (e.g. 9988-7766 or +504 9988-7766).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/formats.py" line="197"/>
        <source>El correo electrónico no es válido (p. ej. nombre@correo.com).</source>
        <translation>The email address is not valid (e.g. name@mail.com).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/formats.py" line="210"/>
        <source>La identidad/RTN solo puede tener números (y guiones).</source>
        <translation>The ID/RTN can only have digits (and hyphens).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="65"/>
        <source>Elija el tipo: paciente o empresa.</source>
        <translation>Choose the type: patient or company.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="76"/>
        <source>Escriba el nombre o los apellidos del paciente.</source>
        <translation>Enter the patient’s first or last names.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="78"/>
        <source>Escriba el nombre de la empresa.</source>
        <translation>Enter the company name.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="89"/>
        <source>Escriba el RTN de la empresa (14 dígitos).</source>
        <translation>Enter the company’s RTN (14 digits).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="94"/>
        <source>Una empresa necesita un RTN de 14 dígitos.</source>
        <translation>A company needs a 14-digit RTN.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/formats.py" line="261"/>
        <source>La identidad debe tener 13 dígitos (DNI) o 14 (RTN); tiene {count}.</source>
        <translation>The ID must have 13 digits (DNI) or 14 (RTN); it has {count}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="113"/>
        <source>La fecha de nacimiento no puede ser futura.</source>
        <translation>The date of birth cannot be in the future.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="117"/>
        <source>La fecha de nacimiento da más de {max} años.</source>
        <translation>The date of birth gives an age over {max} years.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="134"/>
        <source>La edad debe ser un número entero.</source>
        <translation>The age must be a whole number.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/formats.py" line="414"/>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="137"/>
        <source>La edad debe estar entre 0 y {max} años.</source>
        <translation>The age must be between 0 and {max} years.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="143"/>
        <source>Escriba la edad o la fecha de nacimiento.</source>
        <translation>Enter the age or the date of birth.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="150"/>
        <source>Elija un género de la lista.</source>
        <translation>Choose a gender from the list.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="153"/>
        <source>Elija el género.</source>
        <translation>Choose the gender.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="166"/>
        <source>Escriba el teléfono (es el número de WhatsApp).</source>
        <translation>Enter the phone (it is the WhatsApp number).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="179"/>
        <source>Elija el departamento.</source>
        <translation>Choose the department.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="182"/>
        <source>Elija un departamento de la lista.</source>
        <translation>Choose a department from the list.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="186"/>
        <source>Elija el municipio.</source>
        <translation>Choose the municipality.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="191"/>
        <source>Elija un municipio de la lista.</source>
        <translation>Choose a municipality from the list.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="195"/>
        <source>El municipio no pertenece al departamento seleccionado.</source>
        <translation>The municipality does not belong to the selected department.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="213"/>
        <source>Elija sí, no o no preguntado.</source>
        <translation>Choose yes, no or not asked.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="220"/>
        <source>Demasiado largo: máximo {max} caracteres.</source>
        <translation>Too long: {max} characters at most.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="247"/>
        <source>Mensaje desconocido: {codes}.</source>
        <translation>Unknown message: {codes}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="251"/>
        <source>Marque al menos un mensaje que acepta.</source>
        <translation>Tick at least one message the patient accepts.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="259"/>
        <source>Elija cómo dio el paciente su consentimiento.</source>
        <translation>Choose how the patient gave consent.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="263"/>
        <source>No preguntado</source>
        <translation>Not asked</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="264"/>
        <source>Sí, acepta avisos por WhatsApp</source>
        <translation>Yes, accepts WhatsApp notices</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="265"/>
        <source>No acepta avisos</source>
        <translation>Does not accept notices</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="309"/>
        <source>Ya hay un cliente activo con la identidad {id_number}: {name}.</source>
        <translation>There is already an active customer with the ID {id_number}: {name}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/rows.py" line="12"/>
        <source>No existe el cliente {id}.</source>
        <translation>Customer {id} does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/records.py" line="238"/>
        <source>mismo nombre y teléfono</source>
        <translation>same name and phone</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/records.py" line="243"/>
        <source>mismo nombre y fecha de nacimiento</source>
        <translation>same name and date of birth</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/records.py" line="284"/>
        <source>Ya hay un cliente activo con la identidad {id_number}.</source>
        <translation>There is already an active customer with the ID {id_number}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/records.py" line="291"/>
        <source>No se pudo guardar el cliente: {error}</source>
        <translation>The customer could not be saved: {error}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/records.py" line="354"/>
        <source>Falta el cliente a modificar.</source>
        <translation>The customer to change is missing.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/records.py" line="456"/>
        <source>{name} debe {owed} en 1 factura a crédito: registre los abonos o anule la factura antes de desactivarla.</source>
        <translation>{name} owes {owed} on 1 credit invoice: record the payments on account or void the invoice before deactivating it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/records.py" line="462"/>
        <source>{name} debe {owed} en {count} facturas a crédito: registre los abonos o anule las facturas antes de desactivarla.</source>
        <translation>{name} owes {owed} on {count} credit invoices: record the payments on account or void the invoices before deactivating it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/records.py" line="482"/>
        <source>No se puede reactivar: la identidad {id_number} ya la usa el cliente activo {name}.</source>
        <translation>Cannot reactivate: the ID {id_number} is already used by the active customer {name}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/records.py" line="546"/>
        <source>más de {count} clientes</source>
        <translation>more than {count} customers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/records.py" line="548"/>
        <source>1 cliente</source>
        <translation>1 customer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/records.py" line="549"/>
        <source>{count} clientes</source>
        <translation>{count} customers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/resolve.py" line="31"/>
        <source>Tipo de cliente desconocido: «{text}». Use cliente (o paciente) o empresa.</source>
        <translation>Unknown customer type: “{text}”. Use cliente (or paciente) or empresa.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/resolve.py" line="50"/>
        <source>Departamento desconocido: «{text}». Departamentos: {names}.</source>
        <translation>Unknown department: “{text}”. Departments: {names}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/resolve.py" line="73"/>
        <source>Hay varios municipios «{text}»; indique también el departamento o use el código ({codes}).</source>
        <translation>There are several municipalities “{text}”; also give the department or use the code ({codes}).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/resolve.py" line="81"/>
        <source>Municipio desconocido de ese departamento: «{text}».</source>
        <translation>Unknown municipality in that department: “{text}”.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/resolve.py" line="85"/>
        <source>Municipio desconocido: «{text}».</source>
        <translation>Unknown municipality: “{text}”.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/resolve.py" line="98"/>
        <source>Género desconocido: «{text}». Use {names}.</source>
        <translation>Unknown gender: “{text}”. Use {names}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/bulk.py" line="118"/>
        <location filename="../../patolab_desktop/services/customers/bulk.py" line="257"/>
        <source>No se pudieron guardar los clientes: {error}</source>
        <translation>The customers could not be saved: {error}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/formats.py" line="229"/>
        <source>Elija el tipo de documento de la lista.</source>
        <translation>Choose the document type from the list.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/formats.py" line="240"/>
        <source>El {document} lleva de {min} a {max} letras y números.</source>
        <translation>The {document} has {min} to {max} letters and digits.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/formats.py" line="251"/>
        <source>El número del documento no tiene dígitos.</source>
        <translation>The document number has no digits.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/formats.py" line="269"/>
        <source>El {document} debe tener {wanted} dígitos; tiene {count}.</source>
        <translation>The {document} must have {wanted} digits; it has {count}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/formats.py" line="404"/>
        <source>Escriba la edad en años (35), meses (8m) o días (3d).</source>
        <translation>Type the age in years (35), months (8m) or days (3d).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/formats.py" line="415"/>
        <source>En meses, la edad llega hasta {max}; use años.</source>
        <translation>In months, the age goes up to {max}; use years.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/formats.py" line="418"/>
        <source>En días, la edad llega hasta {max}; use meses.</source>
        <translation>In days, the age goes up to {max}; use months.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/formats.py" line="482"/>
        <source>1 mes</source>
        <translation>1 month</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/formats.py" line="483"/>
        <source>{n} meses</source>
        <translation>{n} months</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/formats.py" line="486"/>
        <source>1 día</source>
        <translation>1 day</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/formats.py" line="487"/>
        <source>{n} días</source>
        <translation>{n} days</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/formats.py" line="489"/>
        <source>1 año</source>
        <translation>1 year</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/formats.py" line="490"/>
        <source>{n} años</source>
        <translation>{n} years</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="276"/>
        <source>Un DNI empieza con el código de un departamento (01 a 18); {code} no lo es.</source>
        <translation>A DNI starts with a department code (01 to 18); {code} is not one.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="281"/>
        <source>Los dígitos 3 y 4 del DNI deben ser un municipio del departamento {code}; {municipality} no lo es.</source>
        <translation>Digits 3 and 4 of a DNI must be a municipality of department {code}; {municipality} is not one.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/validation.py" line="293"/>
        <source>Identidad</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/records.py" line="220"/>
        <source>mismo {document}</source>
        <translation>same {document}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/export.py" line="136"/>
        <source>Exportar clientes necesita el permiso de ver los números de identidad completos: el archivo lleva la identidad de cada cliente para poder importarlo de nuevo, y con los números ocultos la importación rechazaría cada fila. Su rol ({role}) no lo incluye; pida a un administrador que se lo asigne.</source>
        <translation>Exporting customers needs the permission to see full identity numbers: the file carries each customer&apos;s identity so that it can be imported again, and with the numbers hidden the import would reject every row. Your role ({role}) does not include it; ask an administrator to assign it.</translation>
    </message>
</context>
<context>
    <name>services.errors</name>
    <message>
        <location filename="../../patolab_desktop/services/errors.py" line="70"/>
        <source>Otra persona modificó {what} mientras usted lo editaba. Sus cambios no se guardaron: cierre la ventana y vuelva a abrirla para ver los datos actuales.</source>
        <translation>Someone else changed {what} while you were editing it. Your changes were not saved: close the window and open it again to see the current data.</translation>
    </message>
</context>
<context>
    <name>services.identity</name>
    <message>
        <location filename="../../patolab_desktop/services/identity.py" line="46"/>
        <source>Esta computadora no tiene la clave de los números de identidad de esta base de datos (una computadora nueva o una copia restaurada de otra). Escriba la clave de recuperación de 56 caracteres que el administrador imprimió o guardó.</source>
        <translation>This computer does not have this database&apos;s identity-number key (a new computer, or a copy restored from another one). Type the 56-character recovery key that the administrator printed or saved.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/identity.py" line="56"/>
        <source>Los números de identidad (DNI, RTN, pasaporte) se guardan cifrados. La clave está solo en el almacén de contraseñas de cada computadora, nunca en la base de datos ni en las copias de seguridad. Si se pierden a la vez la clave de esta computadora (el disco se daña, Windows se reinstala) y esta clave de recuperación, NADIE podrá volver a leer los números de identidad guardados: ni el laboratorio ni el soporte técnico. Los demás datos no se pierden. Imprima o guarde esta clave ahora y guárdela fuera de esta computadora (caja fuerte, gestor de contraseñas).</source>
        <translation>Identity numbers (DNI, RTN, passport) are stored encrypted. The key is only in each computer&apos;s password store, never in the database or in the backups. If this computer&apos;s key (a failed disk, a reinstalled Windows) and this recovery key are BOTH lost, NOBODY can ever read the saved identity numbers again: not the laboratory, not technical support. The other data is not lost. Print or save this key now and keep it away from this computer (a safe, a password manager).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/identity.py" line="85"/>
        <source>Esta computadora no tiene un almacén de contraseñas disponible, y la clave de los números de identidad no se guarda en archivos: no se pueden guardar ni leer números de identidad aquí.</source>
        <translation>This computer has no password store available, and the identity-number key is never kept in files: identity numbers cannot be saved or read here.</translation>
    </message>
</context>
<context>
    <name>services.identity_crypto</name>
    <message>
        <location filename="../../patolab_desktop/util/identity_crypto.py" line="261"/>
        <source>La clave de recuperación no es correcta: revise que copió los 56 caracteres.</source>
        <translation>The recovery key is not correct: check that you copied all 56 characters.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/util/identity_crypto.py" line="277"/>
        <source>Esa clave de recuperación es de otra base de datos.</source>
        <translation>That recovery key belongs to another database.</translation>
    </message>
</context>
<context>
    <name>services.maintenance</name>
    <message>
        <location filename="../../patolab_desktop/services/safety/check.py" line="30"/>
        <source>Base de datos: {target}</source>
        <translation>Database: {target}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/check.py" line="31"/>
        <source>Versión del esquema: {version} (esta aplicación: {expected})</source>
        <translation>Schema version: {version} (this application: {expected})</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/check.py" line="37"/>
        <source>en esta computadora</source>
        <translation>on this computer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/check.py" line="38"/>
        <source>FALTA en esta computadora (patolab --recovery-key CLAVE …, o la pantalla de inicio la pide)</source>
        <translation>MISSING on this computer (patolab --recovery-key KEY …, or the start screen asks for it)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/check.py" line="43"/>
        <source>aún no creada (ningún número guardado)</source>
        <translation>not created yet (no number saved)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/check.py" line="47"/>
        <source>Clave de los números de identidad: {state}</source>
        <translation>Identity-number key: {state}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/check.py" line="52"/>
        <source>Integridad: correcta</source>
        <translation>Integrity: correct</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/check.py" line="54"/>
        <source>Integridad: PROBLEMAS ENCONTRADOS</source>
        <translation>Integrity: PROBLEMS FOUND</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/check.py" line="57"/>
        <source>Sin comprobar:</source>
        <translation>Not checked:</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/check.py" line="71"/>
        <source>versión del esquema {version}, se esperaba {expected}</source>
        <translation>schema version {version}, expected {expected}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/check.py" line="86"/>
        <source>números de identidad sin cifrar: {count}</source>
        <translation>identity numbers not encrypted: {count}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/check.py" line="98"/>
        <source>clave foránea rota: {table} fila {row} → {parent}</source>
        <translation>broken foreign key: {table} row {row} → {parent}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/check.py" line="112"/>
        <source>índice de búsqueda: {reason}</source>
        <translation>search index: {reason}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/check.py" line="118"/>
        <source>índice de búsqueda: {error}</source>
        <translation>search index: {error}</translation>
    </message>
</context>
<context>
    <name>services.notify</name>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="40"/>
        <source>La clave de acceso de WhatsApp no es válida.</source>
        <translation>The WhatsApp access token is not valid.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="41"/>
        <source>La clave de acceso de WhatsApp venció o no es válida.</source>
        <translation>The WhatsApp access token expired or is not valid.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="33"/>
        <source>A la cuenta de WhatsApp le falta un permiso.</source>
        <translation>The WhatsApp account lacks a permission.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="34"/>
        <source>La cuenta de WhatsApp está restringida.</source>
        <translation>The WhatsApp account is restricted.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="35"/>
        <source>Se alcanzó el límite de envíos de la cuenta de WhatsApp; se reintentará.</source>
        <translation>The WhatsApp account&apos;s sending limit was reached; it will be retried.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="48"/>
        <source>La cuenta de WhatsApp está bloqueada.</source>
        <translation>The WhatsApp account is locked.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="49"/>
        <source>Hay un problema con el método de pago de WhatsApp.</source>
        <translation>There is a problem with the WhatsApp payment method.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="52"/>
        <source>Demasiados mensajes por segundo; se reintentará.</source>
        <translation>Too many messages per second; it will be retried.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="57"/>
        <source>Demasiados mensajes a este número; se reintentará más tarde.</source>
        <translation>Too many messages to this number; it will be retried later.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="66"/>
        <source>La cuenta de WhatsApp está en mantenimiento; se reintentará.</source>
        <translation>The WhatsApp account is under maintenance; it will be retried.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="69"/>
        <source>WhatsApp pausó la plantilla; se reintentará en unas horas.</source>
        <translation>WhatsApp paused the template; it will be retried in a few hours.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="91"/>
        <source>WhatsApp respondió con un error (HTTP {status}) sin más detalle; el mensaje no se envió. Revise la dirección y la versión de la API en la configuración.</source>
        <translation>WhatsApp answered with an error (HTTP {status}) and no detail; the message was not sent. Check the API address and version in the settings.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="96"/>
        <source>Sin respuesta de WhatsApp a tiempo (puede que sí lo haya recibido); se reintentará en unos minutos.</source>
        <translation>No answer from WhatsApp in time (it may have received it); it will be retried in a few minutes.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="106"/>
        <source>No se pudo conectar con WhatsApp (red); se reintentará.</source>
        <translation>Could not connect to WhatsApp (network); it will be retried.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="109"/>
        <source>No se pudo preparar el envío en esta computadora: revise la clave de acceso y la dirección de la API.</source>
        <translation>The message could not be prepared on this computer: check the access token and the API address.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="32"/>
        <source>Error temporal de WhatsApp; se reintentará.</source>
        <extracomment>WhatsApp&apos;s &quot;this number cannot receive WhatsApp messages&quot;: the number is flagged a queued message the desk opened in WhatsApp to send by hand (``error_text``: who)</extracomment>
        <translation>Temporary WhatsApp error; it will be retried.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="63"/>
        <source>WhatsApp no está disponible por ahora; se reintentará.</source>
        <translation>WhatsApp is unavailable for now; it will be retried.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="72"/>
        <source>El número no tiene WhatsApp o no puede recibir el mensaje. Entregue los resultados impresos o por correo.</source>
        <translation>The number has no WhatsApp or cannot receive the message. Hand over the results printed or by e-mail.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="77"/>
        <source>WhatsApp solo acepta plantillas aprobadas fuera de las 24 horas.</source>
        <translation>WhatsApp only accepts approved templates outside the 24 hours.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="80"/>
        <source>El paciente pidió no recibir estos mensajes.</source>
        <translation>The patient asked not to receive these messages.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="81"/>
        <source>La plantilla no existe, no está aprobada o sus datos no coinciden; revise la configuración de WhatsApp.</source>
        <translation>The template does not exist, is not approved or its data do not match; check the WhatsApp settings.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="86"/>
        <source>WhatsApp rechazó un dato del mensaje.</source>
        <translation>WhatsApp refused a value of the message.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="87"/>
        <source>El número no está en la lista de prueba de la cuenta de WhatsApp.</source>
        <translation>The number is not on the WhatsApp account&apos;s test list.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="90"/>
        <source>WhatsApp no respondió bien; se reintentará.</source>
        <translation>WhatsApp did not answer properly; it will be retried.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="101"/>
        <source>WhatsApp respondió sin confirmar el mensaje (puede que sí lo haya recibido); se reintentará en unos minutos.</source>
        <translation>WhatsApp answered without confirming the message (it may have received it); it will be retried in a few minutes.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="114"/>
        <source>La noticia dejó de estar vigente antes de poder enviarse.</source>
        <translation>The news went stale before it could be sent.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="117"/>
        <source>No se pudo enviar tras varios intentos. Use Reintentar.</source>
        <translation>Could not be sent after several attempts. Use Retry.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="120"/>
        <source>Falta la clave de acceso de WhatsApp en la configuración.</source>
        <translation>The WhatsApp access token is missing from the settings.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="123"/>
        <source>El paciente está bloqueado: no se le envían mensajes.</source>
        <translation>The patient is blocked: no messages are sent to them.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="126"/>
        <source>El paciente no ha aceptado recibir mensajes por WhatsApp o retiró su consentimiento.</source>
        <translation>The patient has not agreed to receive WhatsApp messages, or withdrew their consent.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="130"/>
        <source>El paciente no aceptó recibir este tipo de mensaje por WhatsApp.</source>
        <translation>The patient did not agree to receive this kind of message by WhatsApp.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="133"/>
        <source>El paciente no tiene un número de celular válido.</source>
        <translation>The patient has no valid mobile number.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="136"/>
        <source>WhatsApp ya indicó que este número no puede recibir mensajes. Entregue los resultados impresos o por correo.</source>
        <translation>WhatsApp already said this number cannot receive messages. Hand over the results printed or by e-mail.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="141"/>
        <source>{user} lo abrió en WhatsApp para enviarlo a mano; la aplicación no lo envía.</source>
        <translation>{user} opened it in WhatsApp to send it by hand; the application does not send it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="145"/>
        <source>La solicitud pasó a otro paciente: este aviso no se le envía.</source>
        <translation>The request moved to another patient: this notice is not sent to them.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="148"/>
        <source>La solicitud fue cancelada; este aviso ya no corresponde.</source>
        <translation>The request was cancelled; this notice no longer applies.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="151"/>
        <source>La cuenta de WhatsApp no permite enviar; revise la configuración.</source>
        <translation>The WhatsApp account does not allow sending; check the settings.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/errors.py" line="154"/>
        <source>WhatsApp rechazó el mensaje.</source>
        <translation>WhatsApp refused the message.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/events.py" line="14"/>
        <source>Solicitud recibida</source>
        <translation>Request received</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/events.py" line="15"/>
        <source>Resultados parciales</source>
        <translation>Partial results</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/events.py" line="16"/>
        <source>Resultados listos</source>
        <translation>Results ready</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/events.py" line="17"/>
        <source>Solicitud cancelada</source>
        <translation>Request cancelled</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/events.py" line="18"/>
        <source>Prueba</source>
        <translation>Test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/events.py" line="49"/>
        <source>En cola</source>
        <translation>Queued</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/events.py" line="50"/>
        <source>Enviando</source>
        <translation>Sending</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/events.py" line="51"/>
        <source>Aceptado por WhatsApp</source>
        <translation>Accepted by WhatsApp</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/events.py" line="52"/>
        <source>Enviado a mano</source>
        <translation>Sent by hand</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/events.py" line="53"/>
        <source>Falló</source>
        <translation>Failed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/events.py" line="54"/>
        <source>Vencido</source>
        <translation>Expired</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/events.py" line="55"/>
        <source>Cancelado</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/events.py" line="60"/>
        <source>Aceptados por WhatsApp</source>
        <translation>Accepted by WhatsApp</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/events.py" line="61"/>
        <source>Se reintentarán más tarde</source>
        <translation>Will be retried later</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/events.py" line="62"/>
        <source>Fallaron</source>
        <translation>Failed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/outbox.py" line="343"/>
        <source>El mensaje no existe.</source>
        <extracomment>out of the app&apos;s hands: opening it in WhatsApp again would send it twice How long past its due time (``next_attempt_at``) a message may wait before the queue counts as stalled (``stalled``). Every desk with the access token runs the sender and claims a due message within seconds; a retry waits for its own, later due time. So a message this late means that no computer is sending: the one with the token is off or PatoLab is closed there, or none has it. Minutes, not seconds: the desks&apos; clocks may differ a little, a busy queue goes out one message at a time, and a sender run by a scheduled task (``notify --run --once``) may run every few minutes. how long a failed notice asks the desk for attention: the longest a notice stays news</extracomment>
        <translation>The message does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/outbox.py" line="356"/>
        <source>El mensaje cambió mientras tanto; vuelva a abrirlo.</source>
        <translation>The message changed meanwhile; open it again.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/outbox.py" line="369"/>
        <source>Solo se reintenta un mensaje que no se envió.</source>
        <translation>Only a message that was not sent can be retried.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/outbox.py" line="382"/>
        <source>No se puede reintentar: {reason}</source>
        <translation>Cannot retry: {reason}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/outbox.py" line="409"/>
        <source>Solo se cancela un mensaje en cola o que falló.</source>
        <translation>Only a queued or failed message can be cancelled.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/outbox.py" line="443"/>
        <location filename="../../patolab_desktop/services/notify/outbox.py" line="449"/>
        <source>No se abre el chat: {reason}</source>
        <translation>The chat is not opened: {reason}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/outbox.py" line="456"/>
        <source>No se abre el chat de un aviso cancelado por este motivo: {reason}</source>
        <translation>The chat of a notice cancelled for this reason is not opened: {reason}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/outbox.py" line="463"/>
        <source>Este aviso ya salió («{status}»): abrirlo otra vez en WhatsApp se lo enviaría dos veces al paciente.</source>
        <translation>This notice has already gone out (“{status}”): opening it again in WhatsApp would send it to the patient twice.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/config.py" line="98"/>
        <source>La clave de acceso tiene un carácter que no puede llevar (como «…», comillas o letras con tilde). Cópiela de nuevo desde Meta.</source>
        <translation>The access token has a character it cannot carry (such as &quot;…&quot;, quotes or accented letters). Copy it again from Meta.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/config.py" line="107"/>
        <source>La clave de acceso no parece válida.</source>
        <translation>The access token does not look valid.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/config.py" line="116"/>
        <source>Esta computadora no tiene un almacén de claves del sistema (Administrador de credenciales de Windows, Llavero de macOS, GNOME Keyring o KWallet), y la clave de acceso de WhatsApp no se guarda en archivos ni en la base de datos. Guárdela desde una computadora que lo tenga: esa computadora enviará los mensajes.</source>
        <translation>This computer has no system credential store (Windows Credential Manager, macOS Keychain, GNOME Keyring or KWallet), and the WhatsApp access token is not kept in files or in the database. Save it from a computer that has one: that computer will send the messages.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/config.py" line="249"/>
        <source>Escriba la versión como v25.0.</source>
        <translation>Write the version as v25.0.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/config.py" line="255"/>
        <source>Solo dígitos.</source>
        <translation>Digits only.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/notify/config.py" line="283"/>
        <source>Escriba un número de celular válido.</source>
        <translation>Type a valid mobile number.</translation>
    </message>
</context>
<context>
    <name>services.outputs</name>
    <message>
        <location filename="../../patolab_desktop/services/safety/outputs.py" line="79"/>
        <source>Falta el nombre del archivo.</source>
        <translation>The file name is missing.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/outputs.py" line="82"/>
        <source>El nombre del archivo no es válido: {path}</source>
        <translation>The file name is not valid: {path}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/outputs.py" line="89"/>
        <source>{path} es una carpeta: escriba el nombre del archivo a guardar dentro de ella.</source>
        <translation>{path} is a folder: type the name of the file to save inside it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/outputs.py" line="98"/>
        <source>La carpeta de {path} no existe.</source>
        <translation>The folder of {path} does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/outputs.py" line="103"/>
        <source>{path} es la base de datos abierta (o uno de sus archivos). No se escribió nada: elija otro nombre de archivo.</source>
        <translation>{path} is the open database (or one of its files). Nothing was written: choose another file name.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/outputs.py" line="113"/>
        <source>{path} es una base de datos SQLite. No se escribe sobre una base de datos: elija otro nombre de archivo.</source>
        <translation>{path} is an SQLite database. A database is never written over: choose another file name.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/outputs.py" line="123"/>
        <source>{path} pertenece a una base de datos SQLite. Elija otro nombre de archivo.</source>
        <translation>{path} belongs to an SQLite database. Choose another file name.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/outputs.py" line="135"/>
        <source>{path} es (o estaría entre) las copias de seguridad de PatoLab. No se escribe sobre las copias: elija otra carpeta o nombre.</source>
        <translation>{path} is (or would be among) the PatoLab backups. Backups are never written over: choose another folder or name.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/outputs.py" line="168"/>
        <source>La carpeta de copias {path} es la base de datos abierta. Elija una carpeta.</source>
        <translation>The backup folder {path} is the open database. Choose a folder.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/outputs.py" line="178"/>
        <source>La carpeta de copias {path} no es una carpeta ({file} es un archivo). Elija una carpeta.</source>
        <translation>The backup folder {path} is not a folder ({file} is a file). Choose a folder.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/outputs.py" line="192"/>
        <source>{path} ya existe: no se reemplaza.</source>
        <translation>{path} already exists: it is not replaced.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/outputs.py" line="256"/>
        <source>{path} es la base de datos abierta.</source>
        <translation>{path} is the open database.</translation>
    </message>
</context>
<context>
    <name>services.parallel_csv</name>
    <message>
        <location filename="../../patolab_desktop/services/parallel_csv.py" line="127"/>
        <source>Los procesos de trabajo de la exportación no arrancaron.</source>
        <translation>The export&apos;s worker processes did not start.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/parallel_csv.py" line="182"/>
        <source>No se pudo escribir la exportación (proceso de trabajo): {error}</source>
        <translation>The export could not be written (worker process): {error}</translation>
    </message>
</context>
<context>
    <name>services.patient_import</name>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="34"/>
        <source>Importación cancelada: no se guardó ningún cambio.</source>
        <translation>Import cancelled: no change was saved.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="175"/>
        <source>Falta la columna obligatoria {columns}. Revise la primera línea del archivo (los nombres de las columnas).</source>
        <translation>A required column is missing: {columns}. Check the first line of the file (the column names).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="181"/>
        <source>Faltan las columnas obligatorias {columns}. Revise la primera línea del archivo (los nombres de las columnas).</source>
        <translation>Required columns are missing: {columns}. Check the first line of the file (the column names).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="186"/>
        <source> y </source>
        <translation> and </translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_plan.py" line="101"/>
        <source>{total} filas: {created} nuevas, {updated} actualizaciones, {rejected} rechazadas</source>
        <translation>{total} rows: {created} new, {updated} updates, {rejected} rejected</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="170"/>
        <source>del {field} ({names})</source>
        <translation>the {field} column ({names})</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="205"/>
        <source>No es un archivo: {path}</source>
        <translation>Not a file: {path}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="209"/>
        <source>No existe el archivo: {path}</source>
        <translation>The file does not exist: {path}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="213"/>
        <source>No se pudo leer el archivo {path}: {error}</source>
        <translation>Could not read the file {path}: {error}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="223"/>
        <source>El archivo pesa {size} MB y el máximo para importar es {max} MB. Divídalo en archivos más pequeños.</source>
        <translation>The file is {size} MB and the import limit is {max} MB. Split it into smaller files.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="234"/>
        <source>El archivo está en UTF-16. Guárdelo como «CSV UTF-8 (delimitado por comas)» y vuelva a intentarlo.</source>
        <translation>The file is in UTF-16. Save it as “CSV UTF-8 (comma delimited)” and try again.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="242"/>
        <source>El archivo es un libro de Excel, no un CSV: ábralo en Excel y guárdelo como «CSV UTF-8 (delimitado por comas)».</source>
        <translation>The file is an Excel workbook, not a CSV: open it in Excel and save it as &quot;CSV UTF-8 (comma delimited)&quot;.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="259"/>
        <source>No se reconoce la codificación del archivo: no es UTF-8 ni Windows-1252. Guárdelo como «CSV UTF-8» y vuelva a intentarlo.</source>
        <translation>The file encoding is not recognised: it is neither UTF-8 nor Windows-1252. Save it as “CSV UTF-8” and try again.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="267"/>
        <source>El archivo no parece un CSV de texto (tiene caracteres nulos).</source>
        <translation>The file does not look like a text CSV (it has null characters).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="294"/>
        <source>un campo supera el largo máximo; ¿unas comillas sin cerrar?</source>
        <translation>a field is longer than the maximum; an unclosed quote?</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="302"/>
        <source>Línea {line}: el archivo no es un CSV válido ({detail}).</source>
        <translation>Line {line}: the file is not a valid CSV ({detail}).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="316"/>
        <source>Línea {line}: unas comillas no se cierran y todo lo que sigue quedó dentro de ese campo. Corrija el archivo y vuelva a analizarlo.</source>
        <translation>Line {line}: a quote is never closed and everything after it ended up inside that field. Correct the file and analyse it again.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="346"/>
        <location filename="../../patolab_desktop/services/customers/import_file.py" line="356"/>
        <source>El archivo está vacío.</source>
        <translation>The file is empty.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_cells.py" line="125"/>
        <source>Fecha de nacimiento no válida: «{text}» (use dd/mm/aaaa).</source>
        <translation>Invalid date of birth: “{text}” (use dd/mm/yyyy).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_cells.py" line="135"/>
        <source>Edad no válida: «{text}» (un número de años).</source>
        <translation>Invalid age: “{text}” (a number of years).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_analysis.py" line="84"/>
        <source>La fila tiene {cells} columnas y el encabezado {width} (¿un separador de más o comillas sin cerrar?).</source>
        <translation>The row has {cells} columns and the header {width} (an extra separator or an unclosed quote?).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_analysis.py" line="126"/>
        <source>Duplicado en el archivo: la identidad {id_number} ya está en la línea {line}.</source>
        <translation>Duplicate in the file: the ID {id_number} is already on line {line}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_analysis.py" line="133"/>
        <source>Duplicado en el archivo: el mismo nombre y teléfono ya están en la línea {line}.</source>
        <translation>Duplicate in the file: the same name and phone are already on line {line}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_analysis.py" line="145"/>
        <source>Hay {count} pacientes con este nombre y teléfono; añada la identidad para saber a cuál actualizar.</source>
        <translation>There are {count} patients with this name and phone; add the ID to tell which one to update.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_analysis.py" line="155"/>
        <source>Duplicado en el archivo: la línea {line} ya actualiza a este mismo paciente.</source>
        <translation>Duplicate in the file: line {line} already updates this same patient.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_analysis.py" line="197"/>
        <source>Falta el nombre.</source>
        <translation>The name is missing.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_analysis.py" line="200"/>
        <source>Falta el teléfono.</source>
        <translation>The phone is missing.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_analysis.py" line="297"/>
        <source>El paciente a actualizar ya no existe; vuelva a analizar el archivo.</source>
        <translation>The patient to update no longer exists; analyse the file again.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_analysis.py" line="319"/>
        <source>incompleto</source>
        <translation>incomplete</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_analysis.py" line="321"/>
        <source>completo</source>
        <translation>complete</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/importing.py" line="92"/>
        <source>1 fila rechazada</source>
        <translation>1 rejected row</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/importing.py" line="94"/>
        <source>{count} filas rechazadas</source>
        <translation>{count} rejected rows</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/importing.py" line="96"/>
        <source>No se importó nada: {rows}. Corrija el archivo, o importe solo las demás si así lo decide.</source>
        <translation>Nothing was imported: {rows}. Correct the file, or import only the others if you so decide.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/importing.py" line="252"/>
        <source>Línea {line} ({name}): {reason} No se importó ninguna fila; vuelva a analizar el archivo.</source>
        <translation>Line {line} ({name}): {reason} No row was imported; analyse the file again.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/importing.py" line="270"/>
        <source>No se importó ninguna fila: {reason} Vuelva a analizar el archivo.</source>
        <translation>No row was imported: {reason} Analyse the file again.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_plan.py" line="110"/>
        <source>, {merged} unidas a otra línea</source>
        <translation>, {merged} merged into another line</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_analysis.py" line="219"/>
        <source>Otro paciente ya tiene este teléfono (¿un familiar?): se registra como paciente nuevo.</source>
        <translation>Another patient already has this phone (family?): registered as a new patient.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/customers/import_analysis.py" line="269"/>
        <source>Misma persona que la línea {line}: sus datos se unieron a esa línea.</source>
        <translation>Same person as line {line}: the data was merged into that line.</translation>
    </message>
</context>
<context>
    <name>services.permissions</name>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="51"/>
        <source>Pacientes</source>
        <translation>Patients</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="52"/>
        <source>Remitentes</source>
        <translation>Referrers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="53"/>
        <source>Catálogo</source>
        <translation>Catalogue</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="54"/>
        <source>Solicitudes</source>
        <translation>Requests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="55"/>
        <source>Impresión</source>
        <translation>Printing</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="56"/>
        <source>Archivos</source>
        <translation>Files</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="57"/>
        <source>Administración</source>
        <translation>Administration</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="58"/>
        <source>Avisos por WhatsApp</source>
        <translation>WhatsApp notices</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="59"/>
        <source>Facturación y caja</source>
        <translation>Billing and cash</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="66"/>
        <source>ver pacientes y empresas</source>
        <translation>view patients and companies</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="71"/>
        <source>registrar pacientes y empresas</source>
        <translation>register patients and companies</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="76"/>
        <source>modificar pacientes y empresas</source>
        <translation>edit patients and companies</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="81"/>
        <source>desactivar y reactivar pacientes y empresas</source>
        <translation>deactivate and reactivate patients and companies</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="86"/>
        <source>ver los números de identidad completos</source>
        <translation>see full ID numbers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="90"/>
        <source>ver remitentes</source>
        <translation>view referrers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="95"/>
        <source>registrar remitentes</source>
        <translation>register referrers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="100"/>
        <source>modificar remitentes y tipos de remitente</source>
        <translation>edit referrers and referrer types</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="105"/>
        <source>desactivar remitentes</source>
        <translation>deactivate referrers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="111"/>
        <source>ver el catálogo de investigaciones</source>
        <translation>view the test catalogue</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="116"/>
        <source>crear investigaciones y paneles</source>
        <translation>create tests and panels</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="121"/>
        <source>modificar investigaciones, paneles y precios</source>
        <translation>edit tests, panels and prices</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="126"/>
        <source>desactivar investigaciones</source>
        <translation>deactivate tests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="131"/>
        <source>administrar sucursales</source>
        <translation>manage branches</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="137"/>
        <source>ver solicitudes de laboratorio</source>
        <translation>view lab requests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="142"/>
        <source>crear solicitudes de laboratorio</source>
        <translation>create lab requests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="147"/>
        <source>modificar solicitudes (agregar o quitar investigaciones)</source>
        <translation>edit requests (add or remove tests)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="154"/>
        <source>avanzar solicitudes en el flujo de trabajo</source>
        <translation>move requests forward in the workflow</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="159"/>
        <source>cancelar solicitudes</source>
        <translation>cancel requests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="164"/>
        <source>aplicar descuentos manuales</source>
        <translation>apply manual discounts</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="169"/>
        <source>marcar investigaciones en proceso y con resultado listo</source>
        <translation>mark tests in progress and with their result ready</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="177"/>
        <source>ver, reintentar y cancelar avisos por WhatsApp; abrir en WhatsApp</source>
        <translation>see, retry and cancel WhatsApp notices; open in WhatsApp</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="185"/>
        <source>administrar la cola y la configuración de WhatsApp</source>
        <translation>manage the WhatsApp queue and settings</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="193"/>
        <source>emitir facturas y registrar pagos</source>
        <translation>issue invoices and record payments</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="198"/>
        <source>abrir y cerrar su caja</source>
        <translation>open and close their cash drawer</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="203"/>
        <source>anular facturas</source>
        <translation>void invoices</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="208"/>
        <source>emitir notas de crédito</source>
        <translation>issue credit notes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="213"/>
        <source>ver reportes de ventas y confirmar cierres de caja</source>
        <translation>see sales reports and confirm cash closes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="220"/>
        <source>administrar autorizaciones CAI y crédito de empresas</source>
        <translation>manage CAI authorisations and company credit</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="228"/>
        <source>imprimir resúmenes de solicitud y etiquetas de tubos</source>
        <translation>print request summaries and tube labels</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="235"/>
        <source>imprimir resúmenes diarios y por período</source>
        <translation>print daily and period summaries</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="239"/>
        <source>exportar datos a CSV</source>
        <translation>export data to CSV</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="244"/>
        <source>importar pacientes desde CSV</source>
        <translation>import patients from CSV</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="250"/>
        <source>administrar usuarios, roles y permisos</source>
        <translation>manage users, roles and permissions</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="255"/>
        <source>cambiar la configuración del laboratorio</source>
        <translation>change the laboratory settings</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="260"/>
        <source>hacer y restaurar copias de seguridad</source>
        <translation>make and restore backups</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="263"/>
        <source>ver la auditoría</source>
        <translation>view the audit log</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="268"/>
        <source>ver e imprimir la clave de recuperación de los números de identidad</source>
        <translation>view and print the recovery key for identity numbers</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="379"/>
        <source>Recepción</source>
        <translation>Reception</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="380"/>
        <source>Supervisor</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="381"/>
        <source>Administrador</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="382"/>
        <source>Laboratorio</source>
        <translation>Laboratory</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/permissions.py" line="383"/>
        <source>Sistema</source>
        <translation>System</translation>
    </message>
</context>
<context>
    <name>services.phrases</name>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="33"/>
        <source>Exportación de clientes a {file}: {count} filas.</source>
        <translation>Customers exported to {file}: {count} rows.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="34"/>
        <source>Exportación de pacientes a {file}: {count} filas.</source>
        <translation>Patients exported to {file}: {count} rows.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="35"/>
        <source>Exportación de solicitudes a {file}: {count} filas.</source>
        <translation>Requests exported to {file}: {count} rows.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="36"/>
        <source>Exportación de remitentes a {file}: {count} filas.</source>
        <translation>Referrers exported to {file}: {count} rows.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="37"/>
        <source>Exportación del catálogo a {file}: {count} filas.</source>
        <translation>Catalogue exported to {file}: {count} rows.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="38"/>
        <source>Exportación del libro de ventas {number} a {file}: {count} filas.</source>
        <translation>Sales book {number} exported to {file}: {count} rows.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="41"/>
        <source>{count} intentos fallidos: bloqueada {minutes} minutos</source>
        <translation>{count} failed attempts: locked for {minutes} minutes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="42"/>
        <source>Vista previa del resumen {number}</source>
        <translation>Summary {number} previewed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="43"/>
        <source>Vista previa de etiquetas {number}</source>
        <translation>Labels {number} previewed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="44"/>
        <source>Etiquetas {number} guardadas en PDF</source>
        <translation>Labels {number} saved as PDF</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="45"/>
        <source>Resumen {number} guardado en PDF</source>
        <translation>Summary {number} saved as PDF</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="46"/>
        <source>Resumen {number} impreso</source>
        <translation>Summary {number} printed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="47"/>
        <source>{count} etiqueta(s) de {number} impresas</source>
        <translation>{count} label(s) of {number} printed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="48"/>
        <source> con {count} investigaciones del panel</source>
        <translation> with {count} tests of the panel</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="49"/>
        <source> con {count} investigación del panel</source>
        <translation> with {count} test of the panel</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="50"/>
        <source>; {codes} pasan a formar parte del panel</source>
        <translation>; {codes} become part of the panel</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="51"/>
        <source>; {codes} pasa a formar parte del panel</source>
        <translation>; {codes} becomes part of the panel</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="52"/>
        <source>Descuento manual retirado; </source>
        <translation>Manual discount removed; </translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="53"/>
        <source>Descuento manual {pct} % no aplicado: el descuento por edad ({age} %) es mayor</source>
        <translation>Manual discount {pct} % not applied: the age discount ({age} %) is larger</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="57"/>
        <source>Descuento por edad {pct} % ({age} años)</source>
        <translation>Age discount {pct} % ({age} years)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="58"/>
        <source>descuento por edad {pct} % ({age} años)</source>
        <translation>age discount {pct} % ({age} years)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="59"/>
        <source>Descuento manual {pct} %</source>
        <translation>Manual discount {pct} %</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="60"/>
        <source>descuento manual {pct} %</source>
        <translation>manual discount {pct} %</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="61"/>
        <source>Sin descuento</source>
        <translation>No discount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="62"/>
        <source>sin descuento</source>
        <translation>no discount</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="63"/>
        <source>. Neto: </source>
        <translation>. Net: </translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="64"/>
        <source>, neto </source>
        <translation>, net </translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="65"/>
        <source>Solicitud {number}: </source>
        <translation>Request {number}: </translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="66"/>
        <source>{count} investigaciones</source>
        <translation>{count} tests</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="67"/>
        <source>{count} investigación</source>
        <translation>{count} test</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="68"/>
        <source>Permisos copiados de {rest}</source>
        <translation>Permissions copied from {rest}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="69"/>
        <source>Motivo: {rest}</source>
        <translation>Reason: {rest}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="70"/>
        <source>Usuario desconocido</source>
        <translation>Unknown user</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="71"/>
        <source>Administrador inicial</source>
        <translation>First administrator</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="72"/>
        <source>Encabezado e impresión</source>
        <translation>Header and printing</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="73"/>
        <source>Inicio de sesión</source>
        <translation>Login</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="74"/>
        <source>Desbloqueo de pantalla</source>
        <translation>Screen unlock</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/phrases.py" line="75"/>
        <source>Cambio de contraseña</source>
        <translation>Password change</translation>
    </message>
</context>
<context>
    <name>services.reference</name>
    <message>
        <location filename="../../patolab_desktop/services/reference.py" line="12"/>
        <source>Mujer</source>
        <translation>Female</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/reference.py" line="13"/>
        <source>Hombre</source>
        <translation>Male</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/reference.py" line="14"/>
        <source>Otro</source>
        <translation>Other</translation>
    </message>
</context>
<context>
    <name>services.referrer_types</name>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrer_types.py" line="24"/>
        <source>El tipo de remitente {id} no existe.</source>
        <translation>Referrer type {id} does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrer_types.py" line="93"/>
        <source>Escriba el nombre del tipo de remitente.</source>
        <translation>Enter the name of the referrer type.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrer_types.py" line="101"/>
        <source>El nombre admite como máximo {max} caracteres.</source>
        <translation>The name can have at most {max} characters.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrer_types.py" line="111"/>
        <source>Ya existe el tipo de remitente «{name}».</source>
        <translation>The referrer type “{name}” already exists.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrer_types.py" line="140"/>
        <source>el tipo de remitente «{name}»</source>
        <translation>the referrer type “{name}”</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrer_types.py" line="179"/>
        <source>No se puede eliminar el tipo «{name}»: 1 remitente lo usa. Solo se le puede cambiar el nombre (o desactivarlo).</source>
        <translation>The type “{name}” cannot be deleted: 1 referrer uses it. It can only be renamed (or deactivated).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrer_types.py" line="185"/>
        <source>No se puede eliminar el tipo «{name}»: {count} remitentes lo usan. Solo se le puede cambiar el nombre (o desactivarlo).</source>
        <translation>The type “{name}” cannot be deleted: {count} referrers use it. It can only be renamed (or deactivated).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrer_types.py" line="207"/>
        <source>No se puede eliminar el tipo «{name}»: está en uso. Solo se le puede cambiar el nombre.</source>
        <translation>The type “{name}” cannot be deleted: it is in use. It can only be renamed.</translation>
    </message>
</context>
<context>
    <name>services.referrers</name>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrers.py" line="110"/>
        <source>El remitente {id} no existe.</source>
        <translation>Referrer {id} does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrers.py" line="37"/>
        <source>Escriba el nombre del remitente.</source>
        <translation>Enter the referrer’s name.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrers.py" line="38"/>
        <source>El nombre admite como máximo {max} caracteres.</source>
        <translation>The name can have at most {max} characters.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrers.py" line="125"/>
        <source>La institución admite como máximo 200 caracteres.</source>
        <translation>The institution can have at most 200 characters.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrers.py" line="129"/>
        <source>Elija el tipo de remitente.</source>
        <translation>Choose the referrer type.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrers.py" line="131"/>
        <source>El tipo de remitente elegido no existe.</source>
        <translation>The chosen referrer type does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrers.py" line="185"/>
        <source>mismo nombre e institución</source>
        <translation>same name and institution</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrers.py" line="187"/>
        <source>mismo nombre, sin institución</source>
        <translation>same name, no institution</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrers.py" line="190"/>
        <source>mismo nombre y teléfono</source>
        <translation>same name and phone</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrers.py" line="369"/>
        <source>Este remitente tiene 1 solicitud; el cambio se verá también en ella.</source>
        <translation>This referrer has 1 request; the change will also show on it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrers.py" line="373"/>
        <source>Este remitente tiene {count} solicitudes; el cambio se verá también en ellas.</source>
        <translation>This referrer has {count} requests; the change will also show on them.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrers.py" line="428"/>
        <source>Falta el remitente a modificar.</source>
        <translation>The referrer to change is missing.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/catalog/referrers.py" line="445"/>
        <source>Otra persona modificó este remitente mientras usted lo editaba. Cierre el diálogo y ábralo de nuevo para ver los datos actuales.</source>
        <translation>Someone else changed this referrer while you were editing it. Close the dialog and open it again to see the current data.</translation>
    </message>
</context>
<context>
    <name>services.reports</name>
    <message>
        <location filename="../../patolab_desktop/services/requests/print_setup.py" line="48"/>
        <source>El nombre del laboratorio es obligatorio.</source>
        <translation>The laboratory name is required.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/print_setup.py" line="53"/>
        <source>El RTN debe tener 14 dígitos.</source>
        <translation>The RTN must have 14 digits.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/print_setup.py" line="62"/>
        <source>No se encuentra el archivo del logotipo.</source>
        <translation>The logo file cannot be found.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/print_setup.py" line="66"/>
        <source>El logotipo debe ser una imagen PNG, JPG, BMP, GIF o SVG.</source>
        <translation>The logo must be a PNG, JPG, BMP, GIF or SVG image.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/print_setup.py" line="158"/>
        <source>Debe ser un número entero.</source>
        <translation>It must be a whole number.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/print_setup.py" line="161"/>
        <source>Debe estar entre {low} y {high}.</source>
        <translation>It must be between {low} and {high}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/print_setup.py" line="165"/>
        <source>Tamaño de papel no válido (A4 o Letter).</source>
        <translation>Invalid paper size (A4 or Letter).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/reports.py" line="254"/>
        <source>La solicitud {number} está cancelada: no se imprimen etiquetas de tubos.</source>
        <translation>Request {number} is cancelled: no tube labels are printed.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/reports.py" line="309"/>
        <source>Indique la fecha inicial y la final.</source>
        <translation>Give the start and end dates.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/reports.py" line="313"/>
        <source>La fecha final es anterior a la inicial.</source>
        <translation>The end date is before the start date.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/reports.py" line="317"/>
        <source>El período no puede pasar de diez años.</source>
        <translation>The period cannot be longer than ten years.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/reports.py" line="422"/>
        <source>No existe la sucursal {id}.</source>
        <translation>Branch {id} does not exist.</translation>
    </message>
</context>
<context>
    <name>services.request_numbers</name>
    <message>
        <location filename="../../patolab_desktop/services/requests/numbers.py" line="65"/>
        <source>La sucursal no existe.</source>
        <translation>The branch does not exist.</translation>
    </message>
</context>
<context>
    <name>services.request_pricing</name>
    <message>
        <location filename="../../patolab_desktop/services/requests/pricing.py" line="374"/>
        <source>{code} {name} ya está incluida en el panel {panel}.</source>
        <translation>{code} {name} is already included in the panel {panel}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/pricing.py" line="377"/>
        <source>{code} {name} ya está en la solicitud.</source>
        <translation>{code} {name} is already on the request.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/pricing.py" line="390"/>
        <source>{code} {name} pasa a formar parte del panel {panel}.</source>
        <translation>{code} {name} now becomes part of the panel {panel}.</translation>
    </message>
</context>
<context>
    <name>services.request_queries</name>
    <message>
        <location filename="../../patolab_desktop/services/requests/filters.py" line="25"/>
        <source>Valor no válido: {value}.</source>
        <translation>Invalid value: {value}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/filters.py" line="41"/>
        <source>La fecha final es anterior a la inicial.</source>
        <translation>The end date is before the start date.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/filters.py" line="59"/>
        <source>No existe el paciente con el id {id}.</source>
        <translation>There is no patient with id {id}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/filters.py" line="64"/>
        <source>No existe el médico remitente con el id {id}.</source>
        <translation>There is no referring doctor with id {id}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/filters.py" line="71"/>
        <source>No existe la sucursal con el id {id}.</source>
        <translation>There is no branch with id {id}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/queries.py" line="127"/>
        <source>No se puede ordenar por {name}.</source>
        <translation>Cannot sort by {name}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/detail.py" line="37"/>
        <source>La solicitud no existe.</source>
        <translation>The request does not exist.</translation>
    </message>
</context>
<context>
    <name>services.requests</name>
    <message>
        <location filename="../../patolab_desktop/services/requests/checks.py" line="28"/>
        <source>Porcentaje no válido: {value}</source>
        <translation>Invalid percentage: {value}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/checks.py" line="72"/>
        <source>Elija el paciente.</source>
        <translation>Choose the patient.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/checks.py" line="78"/>
        <source>El paciente elegido no existe.</source>
        <translation>The chosen patient does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/checks.py" line="79"/>
        <source>El paciente «{name}» está inactivo; no se le pueden crear solicitudes.</source>
        <translation>The patient “{name}” is inactive; no requests can be created for them.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/checks.py" line="88"/>
        <source>Elija el médico o la institución que refiere.</source>
        <translation>Choose the referring doctor or institution.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/checks.py" line="96"/>
        <source>El médico elegido no existe.</source>
        <translation>The chosen doctor does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/checks.py" line="97"/>
        <source>El médico «{name}» está inactivo; elija otro.</source>
        <translation>The doctor “{name}” is inactive; choose another one.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/checks.py" line="104"/>
        <source>Prioridad no válida: {value} (opciones: {options}).</source>
        <translation>Invalid priority: {value} (options: {options}).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/checks.py" line="108"/>
        <source>Origen no válido: {value} (opciones: {options}).</source>
        <translation>Invalid source: {value} (options: {options}).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/checks.py" line="117"/>
        <source>El texto es demasiado largo (máximo {max} caracteres).</source>
        <translation>The text is too long ({max} characters at most).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/checks.py" line="126"/>
        <source>Agregue al menos una investigación.</source>
        <translation>Add at least one test.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/checks.py" line="134"/>
        <source>La investigación {id} no existe.</source>
        <translation>Test {id} does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/checks.py" line="138"/>
        <source>La investigación {code} {name} está inactiva; no se puede solicitar.</source>
        <translation>The test {code} {name} is inactive; it cannot be requested.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/checks.py" line="157"/>
        <source>El descuento manual debe ser mayor que 0 y como máximo 100 %.</source>
        <translation>The manual discount must be greater than 0 and at most 100 %.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/checks.py" line="162"/>
        <source>Escriba el motivo del descuento manual.</source>
        <translation>Enter the reason for the manual discount.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/checks.py" line="206"/>
        <source>La solicitud {request} ya está en la factura {number}: no se le agregan investigaciones. Registre una solicitud nueva para la investigación que falta.</source>
        <translation>Request {request} is already on invoice {number}: no investigations can be added to it. Register a new request for the missing investigation.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/checks.py" line="211"/>
        <source>La solicitud {request} ya está en la factura {number}: su paciente no cambia. Si la factura es de otra persona, un supervisor la anula y se factura de nuevo.</source>
        <translation>Request {request} is already on invoice {number}: its patient cannot change. If the invoice is someone else&apos;s, a supervisor voids it and it is invoiced again.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/checks.py" line="216"/>
        <source>La solicitud {request} ya está en la factura {number}: su descuento no cambia. Para rebajar el importe, un supervisor emite una nota de crédito.</source>
        <translation>Request {request} is already on invoice {number}: its discount cannot change. To reduce the amount, a supervisor issues a credit note.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/entry.py" line="104"/>
        <source>No hay una sucursal activa; registre una antes de crear solicitudes.</source>
        <translation>There is no active branch; register one before creating requests.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/entry.py" line="109"/>
        <source>La sucursal elegida no existe o está inactiva.</source>
        <translation>The chosen branch does not exist or is inactive.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/entry.py" line="114"/>
        <source>La fecha de la solicitud no puede estar en el futuro.</source>
        <translation>The request date cannot be in the future.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/entry.py" line="266"/>
        <source>La empresa que paga no existe o está desactivada.</source>
        <translation>The paying company does not exist or is deactivated.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/locking.py" line="21"/>
        <source>La solicitud no existe.</source>
        <translation>The request does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/locking.py" line="25"/>
        <source>La solicitud {number} fue modificada por otra persona mientras usted la veía. Vuelva a abrirla para ver los cambios.</source>
        <translation>Request {number} was changed by someone else while you were viewing it. Open it again to see the changes.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/locking.py" line="33"/>
        <source>La solicitud {number} está {status} y ya no se puede modificar.</source>
        <translation>Request {number} is {status} and can no longer be changed.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/locking.py" line="67"/>
        <source>La solicitud {number} cambió mientras se guardaba.</source>
        <translation>Request {number} changed while it was being saved.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/workflow.py" line="81"/>
        <source>No se puede cancelar la solicitud {number}: está «{status}». Solo se cancelan solicitudes pendientes o con la muestra tomada.</source>
        <translation>Request {number} cannot be cancelled: it is “{status}”. Only pending requests or requests with the sample collected can be cancelled.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/workflow.py" line="90"/>
        <source>Escriba el motivo de la cancelación.</source>
        <translation>Enter the reason for the cancellation.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/workflow.py" line="95"/>
        <source>El motivo es demasiado largo (máximo {max} caracteres).</source>
        <translation>The reason is too long ({max} characters at most).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/investigations.py" line="188"/>
        <source>{code} {name} ya está en la solicitud como parte del panel {panel_code} {panel_name}.</source>
        <translation>{code} {name} is already on the request as part of the panel {panel_code} {panel_name}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/investigations.py" line="184"/>
        <source>{code} {name} ya está en la solicitud {number}.</source>
        <translation>{code} {name} is already on request {number}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/investigations.py" line="225"/>
        <source>{code} {name} no está en la solicitud {number}.</source>
        <translation>{code} {name} is not on request {number}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/investigations.py" line="229"/>
        <source>La investigación {id} no está en la solicitud {number}.</source>
        <translation>Test {id} is not on request {number}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/investigations.py" line="245"/>
        <source>{code} {name} forma parte del panel {panel_code} {panel_name}; quite el panel completo.</source>
        <translation>{code} {name} is part of the panel {panel_code} {panel_name}; remove the whole panel.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/investigations.py" line="256"/>
        <source>No se puede quitar la última investigación de la solicitud {number}. Si ya no se necesita, cancele la solicitud.</source>
        <translation>The last test of request {number} cannot be removed. If the request is no longer needed, cancel it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/workflow.py" line="198"/>
        <source>El paciente solo se puede cambiar mientras la solicitud está pendiente.</source>
        <translation>The patient can only be changed while the request is pending.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/investigations.py" line="354"/>
        <source>{label} ya está en la factura {number}: no se quita de la solicitud. Para devolver o acreditar su importe, un supervisor emite una nota de crédito.</source>
        <translation>{label} is already on invoice {number}: it is not removed from the request. To give back or credit its amount, a supervisor issues a credit note.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/reading.py" line="39"/>
        <source>No existe la solicitud {number}.</source>
        <translation>Request {number} does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/reading.py" line="43"/>
        <source>No existe la solicitud (vacía).</source>
        <translation>There is no request (empty number).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/results.py" line="59"/>
        <source>{released}/{total} listas</source>
        <translation>{released}/{total} ready</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/results.py" line="183"/>
        <source>Estado de investigación no válido.</source>
        <translation>Invalid test status.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/results.py" line="188"/>
        <source>Elija al menos una investigación.</source>
        <translation>Choose at least one test.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/results.py" line="197"/>
        <source>La investigación no pertenece a la solicitud {number}.</source>
        <translation>The test does not belong to request {number}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/requests/results.py" line="215"/>
        <source>Una investigación {status} ya no puede cambiar.</source>
        <translation>A test that is {status} can no longer change.</translation>
    </message>
</context>
<context>
    <name>services.session</name>
    <message>
        <location filename="../../patolab_desktop/services/access/session.py" line="85"/>
        <source>Debe iniciar sesión para {action}.</source>
        <translation>You must log in to {action}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/session.py" line="89"/>
        <source>Debe cambiar su contraseña antes de {action}.</source>
        <translation>You must change your password before you can {action}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/session.py" line="93"/>
        <source>No tiene permiso para {action}. Su rol ({role}) no lo incluye; pida a un administrador que se lo asigne.</source>
        <translation>You do not have permission to {action}. Your role ({role}) does not include it; ask an administrator to grant it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/session.py" line="145"/>
        <source>Debe iniciar sesión.</source>
        <translation>You must log in.</translation>
    </message>
</context>
<context>
    <name>services.settings</name>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="41"/>
        <source>Sucursal predeterminada</source>
        <translation>Default branch</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="45"/>
        <source>Edad de tercera edad</source>
        <translation>Senior age</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="51"/>
        <source>Descuento tercera edad (%)</source>
        <translation>Senior discount (%)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="53"/>
        <source>Edad de cuarta edad</source>
        <translation>Elderly age</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="58"/>
        <source>Descuento cuarta edad (%)</source>
        <translation>Elderly discount (%)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="64"/>
        <source>Nombre del laboratorio</source>
        <translation>Laboratory name</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="70"/>
        <source>Razón social (factura)</source>
        <translation>Legal name (invoice)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="76"/>
        <source>Dirección (casa matriz)</source>
        <translation>Address (head office)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="78"/>
        <source>RTN</source>
        <translation>RTN</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="79"/>
        <source>Teléfono</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="80"/>
        <source>Correo</source>
        <translation>Email</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="85"/>
        <source>Logotipo (archivo de imagen)</source>
        <translation>Logo (image file)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="91"/>
        <source>Ancho de la etiqueta (mm)</source>
        <translation>Label width (mm)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="97"/>
        <source>Alto de la etiqueta (mm)</source>
        <translation>Label height (mm)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="100"/>
        <source>Copias por etiqueta</source>
        <translation>Copies per label</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="106"/>
        <source>Tamaño de papel (A4 o Letter)</source>
        <translation>Paper size (A4 or Letter)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="113"/>
        <source>Punto de emisión de esta estación (3 dígitos)</source>
        <translation>Issuing point of this workstation (3 digits)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="120"/>
        <source>WhatsApp: identificador del número</source>
        <translation>WhatsApp: phone number id</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="127"/>
        <source>WhatsApp: identificador de la cuenta (WABA)</source>
        <translation>WhatsApp: account id (WABA)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="134"/>
        <source>WhatsApp: versión de Graph API</source>
        <translation>WhatsApp: Graph API version</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="141"/>
        <source>WhatsApp: dirección de la API</source>
        <translation>WhatsApp: API address</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="159"/>
        <source>Plantilla</source>
        <translation>Template</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="160"/>
        <source>Idioma</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="161"/>
        <source>Enviar</source>
        <translation>Send</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="168"/>
        <source>Bloqueo por inactividad (minutos)</source>
        <translation>Lock after inactivity (minutes)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="194"/>
        <source>Ajuste desconocido: {key}</source>
        <translation>Unknown setting: {key}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="201"/>
        <source>Valor no válido para «{setting}»: {value}</source>
        <translation>Invalid value for “{setting}”: {value}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="235"/>
        <source>Otra persona cambió «{setting}» mientras usted lo editaba. Cierre y vuelva a abrir la ventana para ver el valor actual; sus cambios no se guardaron.</source>
        <translation>Someone else changed “{setting}” while you were editing it. Close the window and open it again to see the current value; your changes were not saved.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="294"/>
        <source>Escriba un número.</source>
        <translation>Type a number.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="312"/>
        <source>La edad va de 0 a 130 años.</source>
        <translation>The age goes from 0 to 130 years.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="318"/>
        <source>El porcentaje va de 0 a 100 (el neto nunca es negativo).</source>
        <translation>The percentage goes from 0 to 100 (the net is never negative).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="323"/>
        <source>La cuarta edad debe ser mayor que la tercera edad.</source>
        <translation>The elderly age must be above the senior age.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="329"/>
        <source>De 0 (nunca) a {max} minutos.</source>
        <translation>From 0 (never) to {max} minutes.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="337"/>
        <source>Elija una sucursal activa.</source>
        <translation>Choose an active branch.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="341"/>
        <source>El nombre del laboratorio es obligatorio.</source>
        <translation>The laboratory name is required.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/settings.py" line="346"/>
        <source>El RTN debe tener 14 dígitos.</source>
        <translation>The RTN must have 14 digits.</translation>
    </message>
</context>
<context>
    <name>services.transfer</name>
    <message>
        <location filename="../../patolab_desktop/services/safety/transfer.py" line="521"/>
        <source>Analizando las tablas (ANALYZE)…</source>
        <translation>Analysing the tables (ANALYZE)…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/transfer.py" line="78"/>
        <source>Escriba la ruta del archivo o la URL postgresql://.</source>
        <translation>Enter the file path or the postgresql:// URL.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/transfer.py" line="84"/>
        <source>El archivo {path} no existe todavía: se creará al abrirlo.</source>
        <translation>The file {path} does not exist yet: it will be created when opened.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/transfer.py" line="102"/>
        <source>esquema versión {version}</source>
        <translation>schema version {version}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/transfer.py" line="104"/>
        <source>base de datos vacía</source>
        <translation>empty database</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/transfer.py" line="105"/>
        <source>Conexión correcta: {kind}, {schema}.</source>
        <translation>Connection OK: {kind}, {schema}.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/transfer.py" line="111"/>
        <source>No se pudo conectar a {target}: {error}</source>
        <translation>Could not connect to {target}: {error}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/transfer.py" line="222"/>
        <source>{table}: {count} filas</source>
        <translation>{table}: {count} rows</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/transfer.py" line="230"/>
        <source>Creando índices y claves: {count} de {total}</source>
        <translation>Building indexes and keys: {count} of {total}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/transfer.py" line="438"/>
        <source>Abra primero la base de datos SQLite de origen (--db ARCHIVO).</source>
        <translation>First open the source SQLite database (--db FILE).</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/transfer.py" line="451"/>
        <source>El destino debe ser una URL postgresql://usuario@servidor:5432/base (se recibió {target}). No se creó nada.</source>
        <translation>The target must be a URL postgresql://user@server:5432/database (got {target}). Nothing was created.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/transfer.py" line="466"/>
        <source>{target} ya existe: la copia se hace solo a un archivo nuevo.</source>
        <translation>{target} already exists: the copy is made only into a new file.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/transfer.py" line="473"/>
        <source>El destino es la misma base de datos que el origen.</source>
        <translation>The target is the same database as the source.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/transfer.py" line="487"/>
        <source>El destino es de una versión más nueva de PatoLab Desktop.</source>
        <translation>The target belongs to a newer version of PatoLab Desktop.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/transfer.py" line="497"/>
        <source>La base de datos de destino {target} ya tiene datos (tabla {table}). Use una base de datos vacía: la copia no mezcla datos.</source>
        <translation>The target database {target} already has data (table {table}). Use an empty database: the copy does not merge data.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/transfer.py" line="513"/>
        <source>El origen tiene filas con referencias rotas o repetidas ({error}). No se guardó nada en el destino: revise el origen con «patolab check».</source>
        <translation>The source has rows with broken or repeated references ({error}). Nothing was saved in the target: check the source with “patolab check”.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/safety/transfer.py" line="394"/>
        <source>La tabla {table} no coincide después de copiar: origen {expected} filas, destino {found}. No se guardó nada en el destino.</source>
        <translation>The table {table} does not match after copying: source {expected} rows, target {found}. Nothing was saved in the target.</translation>
    </message>
</context>
<context>
    <name>services.users</name>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="108"/>
        <source>Inactivo</source>
        <translation>Inactive</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="110"/>
        <source>Bloqueado hasta las {time}</source>
        <translation>Locked until {time}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="114"/>
        <source>Activo (debe cambiar contraseña)</source>
        <translation>Active (must change password)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="115"/>
        <source>Activo</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="94"/>
        <location filename="../../patolab_desktop/services/access/users.py" line="215"/>
        <source>El usuario no existe.</source>
        <translation>The user does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="173"/>
        <source>Escriba el nombre completo.</source>
        <translation>Enter the full name.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="175"/>
        <source>Elija un rol.</source>
        <translation>Choose a role.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="192"/>
        <source>Ya existe el usuario «{name}».</source>
        <translation>The user “{name}” already exists.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="223"/>
        <source>No puede desactivar su propio usuario.</source>
        <translation>You cannot deactivate your own user.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="238"/>
        <source>el usuario «{name}»</source>
        <translation>the user “{name}”</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="250"/>
        <source>No se puede: es el último administrador activo (el único que puede administrar usuarios). Cree o active otro administrador primero.</source>
        <translation>Not possible: this is the last active administrator (the only one who can manage users). Create or activate another administrator first.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="336"/>
        <source>El rol «{name}» no existe.</source>
        <translation>The role “{name}” does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="341"/>
        <source>Ya existe el rol «{name}».</source>
        <translation>The role “{name}” already exists.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="348"/>
        <location filename="../../patolab_desktop/services/access/users.py" line="377"/>
        <source>Escriba el nombre del rol.</source>
        <translation>Enter the role name.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="102"/>
        <source>El rol no existe.</source>
        <translation>The role does not exist.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="379"/>
        <source>Los roles de fábrica no se pueden renombrar.</source>
        <translation>Built-in roles cannot be renamed.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="386"/>
        <source>el rol «{name}»</source>
        <translation>the role “{name}”</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="401"/>
        <source>Los roles de fábrica no se pueden eliminar.</source>
        <translation>Built-in roles cannot be deleted.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="404"/>
        <source>El rol tiene usuarios: asígneles otro rol antes de eliminarlo.</source>
        <translation>The role has users: give them another role before deleting it.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="438"/>
        <source>Permiso desconocido: {key}</source>
        <translation>Unknown permission: {key}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/access/users.py" line="469"/>
        <source>No se puede quitar «{permission}» al rol {role}: dejaría al laboratorio sin ningún administrador activo.</source>
        <translation>“{permission}” cannot be removed from the role {role}: the laboratory would be left without any active administrator.</translation>
    </message>
</context>
<context>
    <name>services.workstation</name>
    <message>
        <location filename="../../patolab_desktop/services/workstation.py" line="86"/>
        <source>La sucursal de esta estación ya no existe: no se emiten documentos ni se abre caja hasta que un administrador elija otra en Archivo → Configuración del laboratorio → Esta estación.</source>
        <translation>This workstation&apos;s branch no longer exists: no documents are issued and no cash drawer is opened until an administrator chooses another in File → Laboratory settings → This workstation.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/workstation.py" line="95"/>
        <source>La sucursal de esta estación, «{name}», está desactivada: no se emiten documentos ni se abre caja en ella. Un administrador debe reactivarla o elegir otra sucursal en Archivo → Configuración del laboratorio → Esta estación.</source>
        <translation>This workstation&apos;s branch, “{name}”, is deactivated: no documents are issued and no cash drawer is opened there. An administrator must reactivate it or choose another branch in File → Laboratory settings → This workstation.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/workstation.py" line="118"/>
        <source>Elija una sucursal activa.</source>
        <translation>Choose an active branch.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/services/workstation.py" line="121"/>
        <source>Debe tener exactamente 3 dígitos (por ejemplo 001).</source>
        <translation>It must have exactly 3 digits (for example 001).</translation>
    </message>
</context>
<context>
    <name>util.credentials</name>
    <message>
        <location filename="../../patolab_desktop/util/credentials.py" line="64"/>
        <source>Esta computadora no tiene un almacén de contraseñas disponible, y la contraseña no se guarda en archivos. Escriba la URL sin la contraseña (postgresql://usuario@servidor:5432/base) y deje la contraseña en el archivo .pgpass del usuario o en la variable PGPASSWORD.</source>
        <translation>This computer has no password store available, and the password is never saved in files. Type the URL without the password (postgresql://user@server:5432/database) and keep the password in the user&apos;s .pgpass file or in the PGPASSWORD variable.</translation>
    </message>
</context>
<context>
    <name>util.files</name>
    <message>
        <location filename="../../patolab_desktop/util/files.py" line="114"/>
        <source>No hay espacio suficiente en el disco para guardar {path}. Libere espacio (o elija otra carpeta) y vuelva a intentarlo. No se guardó nada: el archivo anterior, si existía, quedó como estaba, y la base de datos no se modificó.</source>
        <translation>There is not enough disk space to save {path}. Free some space (or choose another folder) and try again. Nothing was saved: the previous file, if any, is as it was, and the database was not changed.</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/util/files.py" line="126"/>
        <source>no tiene permiso para escribir en esa carpeta, o otro programa (por ejemplo, Excel) tiene abierto el archivo</source>
        <translation>you may not write in that folder, or another program (for example, Excel) has the file open</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/util/files.py" line="132"/>
        <source>la carpeta es de solo lectura (por ejemplo, una memoria USB protegida)</source>
        <translation>the folder is read-only (for example, a write-protected USB stick)</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/util/files.py" line="136"/>
        <source>la carpeta no existe o no admite archivos nuevos</source>
        <translation>the folder does not exist or does not accept new files</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/util/files.py" line="138"/>
        <source>el disco está lleno</source>
        <translation>the disk is full</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/util/files.py" line="140"/>
        <source>el nombre o la ruta es demasiado largo</source>
        <translation>the name or the path is too long</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/util/files.py" line="141"/>
        <source>el sistema no lo permitió ({code})</source>
        <translation>the system did not allow it ({code})</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/util/files.py" line="147"/>
        <source>No se pudo guardar {path}: {reason}. Elija otra carpeta (por ejemplo, Documentos) y vuelva a intentarlo. No se guardó nada.</source>
        <translation>{path} could not be saved: {reason}. Choose another folder (for example, Documents) and try again. Nothing was saved.</translation>
    </message>
</context>
<context>
    <name>widgets.forms</name>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/forms.py" line="360"/>
        <source>&amp;Cerrar</source>
        <translation>&amp;Close</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/forms.py" line="374"/>
        <source>Activa</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/forms.py" line="376"/>
        <source>Inactiva</source>
        <translation>Inactive</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/forms.py" line="379"/>
        <source>Activo</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/forms.py" line="381"/>
        <source>Inactivo</source>
        <translation>Inactive</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/forms.py" line="386"/>
        <source>Estado</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>widgets.list_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/referrers/types_dialog.py" line="36"/>
        <source>R&amp;eactivar</source>
        <translation>R&amp;eactivate</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_dialog.py" line="34"/>
        <source>&amp;Desactivar</source>
        <translation>&amp;Deactivate</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_dialog.py" line="35"/>
        <source>Re&amp;activar</source>
        <translation>Re&amp;activate</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_dialog.py" line="79"/>
        <source>&amp;Nueva…</source>
        <translation>&amp;New…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_dialog.py" line="81"/>
        <source>&amp;Nuevo…</source>
        <translation>&amp;New…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/list_dialog.py" line="87"/>
        <source>&amp;Editar…</source>
        <translation>&amp;Edit…</translation>
    </message>
</context>
<context>
    <name>widgets.progress</name>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/progress.py" line="155"/>
        <source>Cancelar</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/progress.py" line="180"/>
        <source>Cancelando…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/progress.py" line="209"/>
        <source>{label}  {done:,} de {total:,}</source>
        <translation>{label}  {done:,} of {total:,}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/progress.py" line="250"/>
        <source>No se pudo leer o escribir el archivo.{where}

{v}</source>
        <translation>The file could not be read or written.{where}

{v}</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/progress.py" line="253"/>
        <source>Ocurrió un error inesperado; no se guardó nada a medias.

{name}: {exc}</source>
        <translation>An unexpected error occurred; nothing was half-saved.

{name}: {exc}</translation>
    </message>
</context>
<context>
    <name>widgets.record_dialog</name>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/record_dialog.py" line="102"/>
        <source>Nuevo registro</source>
        <translation>New record</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/record_dialog.py" line="103"/>
        <source>Editar registro</source>
        <translation>Edit record</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/record_dialog.py" line="104"/>
        <source>El registro cambió</source>
        <translation>The record changed</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/record_dialog.py" line="75"/>
        <source>Descartar cambios</source>
        <translation>Discard changes</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/record_dialog.py" line="76"/>
        <source>¿Cerrar sin guardar los cambios?</source>
        <translation>Close without saving the changes?</translation>
    </message>
</context>
<context>
    <name>widgets.table</name>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/table.py" line="77"/>
        <source>Ordenar la lista</source>
        <translation>Sort the list</translation>
    </message>
    <message>
        <location filename="../../patolab_desktop/ui/widgets/table.py" line="78"/>
        <source>Ordenando la lista</source>
        <translation>Sorting the list</translation>
    </message>
</context>
</TS>
