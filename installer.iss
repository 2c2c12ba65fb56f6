; Inno Setup 6 script: per-user Windows installer wrapping the PyInstaller one-folder build.
;
;   make bundle                       (on Windows: builds dist\PatoLab\ from installer.spec)
;   iscc installer.iss                (writes dist\installer\PatoLab-Setup-<version>.exe)
;   iscc /DAppVersion=1.2.3 installer.iss   (override the version)
;
; No administrator rights: the program goes to %LOCALAPPDATA%\Programs\PatoLab, the Start
; menu and the optional desktop shortcut are the user's own. The user's data (database,
; logs, backups, settings) live in %LOCALAPPDATA%\PatoLab\PatoLab Desktop (platformdirs),
; never beside the program, so updating or uninstalling never touches them.

#define AppName "PatoLab Desktop"
#define AppExe "PatoLab.exe"
#define BundleDir AddBackslash(SourcePath) + "dist\PatoLab"

; The version comes from the executable's version resource, which installer.spec
; generates from patolab_desktop.__version__ (scripts/make_version_info.py).
#ifndef AppVersion
  #define AppVersion GetStringFileInfo(BundleDir + "\" + AppExe, "ProductVersion")
#endif
#if AppVersion == ""
  #error dist\PatoLab\PatoLab.exe has no version: run "make bundle" first, or pass /DAppVersion=X.Y.Z
#endif

[Setup]
; Keep AppId forever: Windows finds earlier installs (updates, uninstall) by it.
AppId={{6E0C5B7A-3F1D-4B8E-9C2A-5D7F1E8A4C31}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=PatoLab
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
; Per-user install, no UAC prompt.
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\PatoLab
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=dist\installer
OutputBaseFilename=PatoLab-Setup-{#AppVersion}
SetupIconFile=resources\icons\patolab.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Close a running PatoLab before replacing its files.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "es"; MessagesFile: "compiler:Languages\Spanish.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder build: both executables and _internal\ (Qt, Python, resources).
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An update replaces the bundled libraries whole (no stale DLLs from an older Qt).
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; [UninstallDelete] is deliberately empty: the uninstaller removes the program folder and
; shortcuts only. The database, backups and logs stay in the user's data folder.
